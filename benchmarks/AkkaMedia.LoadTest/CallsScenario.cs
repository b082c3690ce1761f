using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using AkkaMedia.LoadTest.Calls;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// Calls to one remote object (<see cref="CallTarget"/>, shipped user code) through
/// <see cref="RemoteObject{TInterface}.Proxy"/>: sequential synchronous and asynchronous calls, concurrent
/// callers, a pipeline with a constant number of calls in flight, deploy + call + dispose cycles, and, as
/// the floor they are compared with, a raw TCP ping-pong between the same two processes. Every answer
/// is checked (<c>Add(x)</c> is <c>x + 1</c>), and the object's own count of calls and of arguments seen
/// out of order is compared with what the driver made.
/// </summary>
internal sealed class CallsScenario(ActorSystem system, ExecutorChild executor, int seconds, int callers, int inFlight, int cycles, int warmupSeconds)
{
    private const int WarmupCycles = 5;
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(90);
    private readonly List<string> _errors = [];

    private TimeSpan Duration => TimeSpan.FromSeconds(seconds);

    public async Task<CallsResult> RunAsync()
    {
        var loadAverage = LinuxCounters.LoadAverage();
        var options = new RemoteObjectOptions { Executor = executor.Address };
        double firstDeployMs = 0;
        CallModeResult? sequentialSync = null, sequentialAsync = null, concurrent = null, pipelined = null, floor = null;
        CallCycleResult? cycle = null;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var remote = await RemoteObject.DeployAsync<ICallTarget>(system, new CallTarget(), options);
            await using (remote.ConfigureAwait(false))
            {
                firstDeployMs = Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);
                Console.Error.WriteLine($"calls: deployed {nameof(CallTarget)} as session {remote.SessionId} on {remote.ExecutorAddress} in {firstDeployMs:0} ms");
                var target = remote.Proxy;
                sequentialSync = await MeasureAsync("sequentialSync", target, 1, 1, ordered: true, SequentialSyncAsync);
                sequentialAsync = await MeasureAsync("sequentialAsync", target, 1, 1, ordered: true, (t, d) => SequentialAsync(t, d));
                concurrent = await MeasureAsync("concurrent", target, callers, 1, ordered: false, (t, d) => ConcurrentAsync(t, d, callers));
                pipelined = await MeasureAsync("pipelined", target, 1, inFlight, ordered: true, (t, d) => PipelinedAsync(t, d, inFlight));
            }

            cycle = await CyclesAsync(options);
            floor = await FloorAsync();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"calls failed: {e}");
            _errors.Add($"{e.GetType().Name}: {e.Message}");
        }

        return new CallsResult("calls", seconds, warmupSeconds, firstDeployMs, sequentialSync, sequentialAsync, concurrent, pipelined, cycle, floor, loadAverage,
            _errors.Count == 0 ? null : string.Join(" ", _errors));
    }

    /// <summary>Warm-up, then one measured window of <paramref name="run"/>, then the object's tally of the window checked against the calls made.</summary>
    private async Task<CallModeResult> MeasureAsync(string mode, ICallTarget target, int modeCallers, int modeInFlight, bool ordered, Func<ICallTarget, TimeSpan, Task<CallRecorder>> run)
    {
        if (warmupSeconds > 0)
        {
            var warmup = await run(target, TimeSpan.FromSeconds(warmupSeconds));
            Console.Error.WriteLine($"calls {mode} warm-up: {warmup.CallsPerSecond:0} calls/s");
            Check(mode + " warm-up", warmup);
        }

        await Task.Run(target.Reset);
        var start = await ResourceSnapshot.TakeAsync(executor);
        var recorder = await run(target, Duration);
        var end = await ResourceSnapshot.TakeAsync(executor);
        var tally = await Task.Run(target.Reset);
        var result = CallModeResult.Of(modeCallers, modeInFlight, recorder, end.Since(start), tally.Calls, ordered ? tally.Descents : null);
        Console.Error.WriteLine($"calls {mode}: {result.CallsPerSecond:0} calls/s, p50 {result.P50Us:0} µs, p99 {result.P99Us:0} µs, max {result.MaxUs:0} µs");
        Check(mode, recorder);
        if (tally.Calls != recorder.Calls)
        {
            _errors.Add($"{mode}: the remote object counted {tally.Calls} calls, the driver made {recorder.Calls}.");
        }

        if (ordered && tally.Descents != 0)
        {
            _errors.Add($"{mode}: the remote object saw {tally.Descents} calls out of the order they were made in.");
        }

        return result;
    }

    private void Check(string mode, CallRecorder recorder)
    {
        if (recorder.WrongResults != 0)
        {
            _errors.Add($"{mode}: {recorder.WrongResults} of {recorder.Calls} calls answered a wrong value.");
        }
    }

    /// <summary>One thread of its own calling the synchronous <c>Add</c>, which blocks it for each round trip.</summary>
    private static Task<CallRecorder> SequentialSyncAsync(ICallTarget target, TimeSpan duration) =>
        Task.Factory.StartNew(
            () =>
            {
                var recorder = new CallRecorder();
                var start = Stopwatch.GetTimestamp();
                var deadline = start + Ticks(duration);
                var x = 0;
                long now;
                while ((now = Stopwatch.GetTimestamp()) < deadline)
                {
                    var result = target.Add(x);
                    var done = Stopwatch.GetTimestamp();
                    recorder.Record(done - now, result == x + 1);
                    x++;
                }

                recorder.WindowTicks = Stopwatch.GetTimestamp() - start;
                return recorder;
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

    /// <summary>One caller awaiting <c>AddAsync</c> in a loop.</summary>
    private static async Task<CallRecorder> SequentialAsync(ICallTarget target, TimeSpan duration)
    {
        var recorder = new CallRecorder();
        var start = Stopwatch.GetTimestamp();
        await CallerAsync(target, recorder, start + Ticks(duration));
        recorder.WindowTicks = Stopwatch.GetTimestamp() - start;
        return recorder;
    }

    /// <summary><paramref name="count"/> callers, each awaiting <c>AddAsync</c> in a loop.</summary>
    private static async Task<CallRecorder> ConcurrentAsync(ICallTarget target, TimeSpan duration, int count)
    {
        var recorders = Enumerable.Range(0, count).Select(static _ => new CallRecorder()).ToArray();
        var start = Stopwatch.GetTimestamp();
        var deadline = start + Ticks(duration);
        await Task.WhenAll(recorders.Select(r => Task.Run(() => CallerAsync(target, r, deadline))));
        return CallRecorder.Merge(recorders, Stopwatch.GetTimestamp() - start);
    }

    private static async Task CallerAsync(ICallTarget target, CallRecorder recorder, long deadline)
    {
        var x = 0;
        long now;
        while ((now = Stopwatch.GetTimestamp()) < deadline)
        {
            var result = await target.AddAsync(x).ConfigureAwait(false);
            recorder.Record(Stopwatch.GetTimestamp() - now, result == x + 1);
            x++;
        }
    }

    /// <summary>
    /// One flow that starts a call as soon as one of the <paramref name="count"/> in flight completes,
    /// with increasing arguments. Calls per second count the answers received before the deadline; the
    /// calls still in flight then are awaited and checked, and their latencies are recorded too.
    /// </summary>
    private static async Task<CallRecorder> PipelinedAsync(ICallTarget target, TimeSpan duration, int count)
    {
        var recorder = new CallRecorder();
        using var gate = new SemaphoreSlim(count, count);
        var start = Stopwatch.GetTimestamp();
        var deadline = start + Ticks(duration);
        long inWindow = 0;
        var x = 0;
        while (recorder.Failure is null)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            var issued = Stopwatch.GetTimestamp();
            if (issued >= deadline)
            {
                gate.Release();
                break;
            }

            Task<int> call;
            try
            {
                call = target.AddAsync(x);
            }
            catch (Exception e)
            {
                gate.Release();
                recorder.Fail(e);
                break;
            }

            _ = CompleteAsync(call, issued, x + 1);
            x++;
        }

        for (var i = 0; i < count; i++)
        {
            if (!await gate.WaitAsync(DrainTimeout).ConfigureAwait(false))
            {
                throw new TimeoutException($"{count - i} pipelined calls were still in flight {DrainTimeout.TotalSeconds:0} s after the window ended.");
            }
        }

        if (recorder.Failure is { } failure)
        {
            throw new InvalidOperationException($"A pipelined call failed: {failure.Message}", failure);
        }

        recorder.CountedCalls = Interlocked.Read(ref inWindow);
        recorder.WindowTicks = deadline - start;
        return recorder;

        async Task CompleteAsync(Task<int> pending, long issuedAt, int expected)
        {
            try
            {
                var result = await pending.ConfigureAwait(false);
                var done = Stopwatch.GetTimestamp();
                recorder.Record(done - issuedAt, result == expected);
                if (done <= deadline)
                {
                    Interlocked.Increment(ref inWindow);
                }
            }
            catch (Exception e)
            {
                recorder.Fail(e);
            }
            finally
            {
                gate.Release();
            }
        }
    }

    /// <summary>Deploy (code already cached on the executor), one call, dispose: a few warm-up cycles, then <c>cycles</c> measured ones.</summary>
    private async Task<CallCycleResult> CyclesAsync(RemoteObjectOptions options)
    {
        for (var i = 0; i < WarmupCycles; i++)
        {
            await CycleAsync(options, i);
        }

        var total = new List<long>(cycles);
        var deploys = new List<long>(cycles);
        var calls = new List<long>(cycles);
        var disposals = new List<long>(cycles);
        long wrong = 0;
        var start = await ResourceSnapshot.TakeAsync(executor);
        var began = Stopwatch.GetTimestamp();
        for (var i = 0; i < cycles; i++)
        {
            var (deploy, call, dispose, right) = await CycleAsync(options, i);
            deploys.Add(deploy);
            calls.Add(call);
            disposals.Add(dispose);
            total.Add(deploy + call + dispose);
            wrong += right ? 0 : 1;
        }

        var elapsed = Stopwatch.GetElapsedTime(began);
        var end = await ResourceSnapshot.TakeAsync(executor);
        var use = end.Since(start);
        foreach (var list in new[] { total, deploys, calls, disposals })
        {
            list.Sort();
        }

        var result = new CallCycleResult(
            cycles,
            Math.Round(cycles / elapsed.TotalSeconds, 1),
            CallLatencies.Millis(total, 0.50),
            CallLatencies.Millis(total, 0.90),
            CallLatencies.Millis(total, 0.99),
            CallLatencies.MaxMillis(total),
            CallLatencies.Millis(deploys, 0.50),
            CallLatencies.Millis(deploys, 0.99),
            CallLatencies.Millis(calls, 0.50),
            CallLatencies.Millis(disposals, 0.50),
            CallLatencies.Millis(disposals, 0.99),
            wrong,
            use.ClientCpuPercent,
            use.ExecutorCpuPercent);
        Console.Error.WriteLine($"calls cycle: {result.CyclesPerSecond:0.0} cycles/s, p50 {result.P50Ms:0.0} ms, p99 {result.P99Ms:0.0} ms (deploy p50 {result.DeployP50Ms:0.0} ms, dispose p50 {result.DisposeP50Ms:0.0} ms)");
        if (wrong != 0)
        {
            _errors.Add($"cycle: {wrong} of {cycles} calls answered a wrong value.");
        }

        return result;
    }

    private async Task<(long Deploy, long Call, long Dispose, bool Right)> CycleAsync(RemoteObjectOptions options, int x)
    {
        var started = Stopwatch.GetTimestamp();
        var remote = await RemoteObject.DeployAsync<ICallTarget>(system, new CallTarget(), options);
        var deployed = Stopwatch.GetTimestamp();
        int result;
        long called;
        try
        {
            result = await remote.Proxy.AddAsync(x);
            called = Stopwatch.GetTimestamp();
        }
        finally
        {
            await remote.DisposeAsync();
        }

        var disposed = Stopwatch.GetTimestamp();
        return (deployed - started, called - deployed, disposed - called, result == x + 1);
    }

    /// <summary>One connection to the executor child's <see cref="EchoServer"/>, one 8-byte round trip at a time.</summary>
    private async Task<CallModeResult> FloorAsync()
    {
        var port = await executor.StartEchoAsync();
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        if (warmupSeconds > 0)
        {
            var warmup = await PingPongAsync(stream, TimeSpan.FromSeconds(warmupSeconds));
            Console.Error.WriteLine($"calls floor warm-up: {warmup.CallsPerSecond:0} round trips/s");
            Check("floor warm-up", warmup);
        }

        var start = await ResourceSnapshot.TakeAsync(executor);
        var recorder = await PingPongAsync(stream, Duration);
        var end = await ResourceSnapshot.TakeAsync(executor);
        var result = CallModeResult.Of(1, 1, recorder, end.Since(start), remoteCalls: null, descents: null);
        Console.Error.WriteLine($"calls floor: {result.CallsPerSecond:0} round trips/s, p50 {result.P50Us:0} µs, p99 {result.P99Us:0} µs, max {result.MaxUs:0} µs");
        Check("floor", recorder);
        return result;
    }

    private static async Task<CallRecorder> PingPongAsync(NetworkStream stream, TimeSpan duration)
    {
        var recorder = new CallRecorder();
        var send = new byte[EchoServer.MessageBytes];
        var receive = new byte[EchoServer.MessageBytes];
        var start = Stopwatch.GetTimestamp();
        var deadline = start + Ticks(duration);
        long n = 0;
        long now;
        while ((now = Stopwatch.GetTimestamp()) < deadline)
        {
            BinaryPrimitives.WriteInt64LittleEndian(send, n);
            await stream.WriteAsync(send).ConfigureAwait(false);
            await stream.ReadExactlyAsync(receive).ConfigureAwait(false);
            recorder.Record(Stopwatch.GetTimestamp() - now, BinaryPrimitives.ReadInt64LittleEndian(receive) == n);
            n++;
        }

        recorder.WindowTicks = Stopwatch.GetTimestamp() - start;
        return recorder;
    }

    private static long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);
}

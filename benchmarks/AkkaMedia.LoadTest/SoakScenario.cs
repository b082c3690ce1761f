using System.Diagnostics;
using System.Text.Json;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.LoadTest.Calls;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// A long run with churn (issue 17): one executor child process and K paced streams through a remote <c>PassThrough</c>;
/// every minute, at its half, the oldest 10 % of the streams are closed and as many new ones opened, and beside them a
/// remote object (<see cref="CallTarget"/>, shipped user code, so one collectible load context per session) is deployed,
/// called once and disposed every 500 ms. At the end of every minute it prints a <see cref="SoakMinute"/> line: round
/// trips of the minute, frames lost so far, memory of both processes after full collections, and the sessions and
/// load contexts the executor still holds beyond what the driver has open (read while no object is deployed). Then a
/// <see cref="SoakResult"/> line, a Markdown table, and the chart when asked for. The child is killed whatever happens.
/// </summary>
internal sealed class SoakScenario
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan WaveTimeout = TimeSpan.FromSeconds(45);

    /// <summary>How long a closed stream may take to bring its frames in flight back and complete.</summary>
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long a minute's reading waits for sessions and load contexts just closed to be gone before it counts them as leaked.</summary>
    private static readonly TimeSpan MinuteSettleTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The same at the end, when every stream was just closed.</summary>
    private static readonly TimeSpan FinalSettleTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan SettlePoll = TimeSpan.FromMilliseconds(250);

    /// <summary>One remote object cycle starts every 500 ms (or as soon as the previous one ended, when it took longer).</summary>
    private static readonly TimeSpan CycleInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The baseline of the memory growth: 5 minutes into the run, or 20 % of it when that is earlier.</summary>
    private static readonly TimeSpan BaselineLatest = TimeSpan.FromMinutes(5);

    private const double BaselineShare = 0.2;
    private const int ProblemsLogged = 20;

    private readonly ActorSystem _system;
    private readonly ExecutorChild _executor;
    private readonly LoadTestArguments _arguments;
    private readonly int _minutes;
    private readonly int _replacedPerMinute;
    private readonly IMaterializer _materializer;
    private readonly Flow<AudioFrame, AudioFrame, Akka.NotUsed> _flow = LoadTestFrames.PassThrough(RemoteTransport.MediaLink);
    private readonly Queue<SoakStream> _open = new();
    private readonly SemaphoreSlim _objectGate = new(1, 1);
    private LatencyHistogram _latencies = new();
    private LatencyHistogram _cycleLatencies = new();
    private int _streamsOpened;
    private int _replaced;
    private long _framesSent;
    private long _framesLost;
    private long _disordered;
    private int _streamsFailed;
    private int _cycles;
    private int _cyclesThisMinute;
    private int _cyclesFailed;
    private int _problems;

    private SoakScenario(ActorSystem system, ExecutorChild executor, LoadTestArguments arguments)
    {
        _system = system;
        _executor = executor;
        _arguments = arguments;
        _minutes = arguments.Minutes ?? 30;
        _replacedPerMinute = Math.Max(1, (int)Math.Round(arguments.Streams * 0.1));
        _materializer = system.Materializer();
    }

    /// <summary>The time of the baseline reading for a run of <paramref name="minutes"/>.</summary>
    internal static TimeSpan BaselineOf(int minutes)
    {
        var share = TimeSpan.FromMinutes(minutes * BaselineShare);
        return share < BaselineLatest ? share : BaselineLatest;
    }

    /// <summary>Runs the scenario; 0 when it <see cref="SoakResult.Succeeded"/> (and the chart, if asked for, was written), 1 otherwise.</summary>
    public static async Task<int> RunAsync(LoadTestArguments arguments, TextWriter results)
    {
        var minutes = arguments.Minutes ?? 30;
        var result = Failed(arguments, minutes, null, null);
        ExecutorChild? executor = null;
        try
        {
            Console.Error.WriteLine("soak: starting the executor process...");
            executor = await ExecutorChild.StartAsync(arguments.Settings, StartTimeout);
            Console.Error.WriteLine($"soak: executor {executor.Address} ready (pid {executor.ProcessId}).");
            var system = MediaActorSystem.Create(LoadTestConfig.SystemName, LoadTestConfig.Client(executor.Address, arguments.Settings));
            try
            {
                await GrowthScenario.WaitForExecutorsAsync(system, [executor]);
                result = await new SoakScenario(system, executor, arguments).ExecuteAsync(minute =>
                {
                    results.WriteLine(JsonSerializer.Serialize(minute, LoadTestDriver.Json));
                    results.Flush();
                });
            }
            finally
            {
                await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
        catch (Exception e)
        {
            // Whatever stopped the run is its result: the child is killed below, and the line says why.
            Console.Error.WriteLine($"soak failed: {e}");
            result = result with { Error = $"{e.GetType().Name}: {e.Message}" };
        }
        finally
        {
            executor?.Dispose();
        }

        results.WriteLine(JsonSerializer.Serialize(result, LoadTestDriver.Json));
        results.Write(result.MarkdownTable());
        results.Flush();
        var succeeded = result.Succeeded;
        if (arguments.Chart is { } chart)
        {
            try
            {
                SoakChart.Save(result, chart);
                Console.Error.WriteLine($"soak: chart written to {chart}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or TypeInitializationException or DllNotFoundException)
            {
                Console.Error.WriteLine($"soak: could not write the chart {chart}: {e}");
                succeeded = false;
            }
        }

        return succeeded ? 0 : 1;
    }

    private static SoakResult Failed(LoadTestArguments arguments, int minutes, string? error, IReadOnlyList<SoakMinute>? perMinute) =>
        new("soak", 0, arguments.Streams, Math.Max(1, (int)Math.Round(arguments.Streams * 0.1)), 0, (int)BaselineOf(minutes).TotalSeconds, null, null, null, 0, 0, 0, 0, false,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, error)
        {
            PerMinute = perMinute ?? [],
        };

    private async Task<SoakResult> ExecuteAsync(Action<SoakMinute> report)
    {
        using var clock = new PacedClock(_arguments.Streams, TimeSpan.FromMilliseconds(_arguments.PaceResolutionMs));
        using var stop = new CancellationTokenSource();
        var minutes = new List<SoakMinute>(_minutes);
        var objects = Task.CompletedTask;
        try
        {
            if (_arguments.WarmupSeconds > 0)
            {
                var warmup = await ThroughputScenario.RunOnceAsync(_system, _executor, RemoteTransport.MediaLink, TimeSpan.FromSeconds(_arguments.WarmupSeconds));
                Console.Error.WriteLine($"soak warm-up: {warmup.FramesPerSecond:0} frames/s full speed");
            }

            var rampStart = Stopwatch.GetTimestamp();
            for (var first = 0; first < _arguments.Streams; first += _arguments.Wave)
            {
                var wave = Enumerable.Range(0, Math.Min(_arguments.Wave, _arguments.Streams - first)).Select(_ => Open(clock)).ToList();
                foreach (var stream in wave)
                {
                    _open.Enqueue(stream);
                }

                try
                {
                    await Task.WhenAll(wave.Select(static s => s.FirstReceived.Task)).WaitAsync(WaveTimeout);
                }
                catch (TimeoutException)
                {
                    return Failed(_arguments, _minutes, $"Streams {first}..{first + wave.Count - 1} did not all get a frame back within {WaveTimeout.TotalSeconds:0} s.", minutes);
                }
            }

            var ramp = Stopwatch.GetElapsedTime(rampStart);
            Console.Error.WriteLine($"soak: {_arguments.Streams} streams running after {ramp.TotalMilliseconds:0} ms; {_minutes} minutes, {_replacedPerMinute} streams replaced every minute, an object cycle every {CycleInterval.TotalMilliseconds:0} ms.");
            objects = Task.Run(() => CycleLoopAsync(stop.Token));

            // Minute 1 starts now: what came back during the ramp is not part of it.
            Interlocked.Exchange(ref _latencies, new LatencyHistogram());
            var run = Stopwatch.StartNew();
            var baselineAt = BaselineOf(_minutes);
            SoakMemory? baseline = null;
            var last = await ResourceSnapshot.TakeAsync(_executor);
            for (var minute = 1; minute <= _minutes; minute++)
            {
                var churnAt = TimeSpan.FromMinutes(minute - 0.5);
                if (baseline is null && baselineAt < churnAt && baselineAt < TimeSpan.FromMinutes(minute))
                {
                    await UntilAsync(run, baselineAt);
                    baseline = SoakMemory.Of(await _executor.GetMemoryAsync(), ProcessMemory.OfThisProcess());
                    Console.Error.WriteLine($"soak: baseline at {run.Elapsed.TotalSeconds:0} s: {baseline}");
                }

                await UntilAsync(run, churnAt);
                await ChurnAsync(clock);
                if (baseline is null && baselineAt < TimeSpan.FromMinutes(minute) && baselineAt >= churnAt)
                {
                    await UntilAsync(run, baselineAt);
                    baseline = SoakMemory.Of(await _executor.GetMemoryAsync(), ProcessMemory.OfThisProcess());
                    Console.Error.WriteLine($"soak: baseline at {run.Elapsed.TotalSeconds:0} s: {baseline}");
                }

                await UntilAsync(run, TimeSpan.FromMinutes(minute));
                var (line, snapshot) = await MinuteAsync(minute, last);
                last = snapshot;
                minutes.Add(line);
                report(line);
                if (baseline is null && baselineAt == TimeSpan.FromMinutes(minute))
                {
                    baseline = new SoakMemory(line.ExecutorRssMb, line.ExecutorHeapMb, line.ClientRssMb, line.ClientHeapMb);
                }
            }

            await stop.CancelAsync();
            await objects;
            await CloseAllAsync();
            var (_, leakedSessions, memory) = await SettledAsync(expected: 0, FinalSettleTimeout);
            return Result(minutes, ramp, baseline, leakedSessions, memory.UncollectedLoadContexts);
        }
        catch (Exception e)
        {
            // The minutes measured so far stay in the result (table and chart); the line says why the run stopped.
            Console.Error.WriteLine($"soak stopped: {e}");
            return Failed(_arguments, _minutes, $"{e.GetType().Name}: {e.Message}", minutes) with { Minutes = minutes.Count };
        }
        finally
        {
            await stop.CancelAsync();
            await objects.ContinueWith(static _ => { }, TaskScheduler.Default);
            await CloseAllAsync();
        }
    }

    private static async Task UntilAsync(Stopwatch run, TimeSpan at)
    {
        var wait = at - run.Elapsed;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }
    }

    private SoakResult Result(List<SoakMinute> minutes, TimeSpan ramp, SoakMemory? baseline, int leakedSessions, int leakedContexts)
    {
        var last = minutes[^1];
        var final = new SoakMemory(last.ExecutorRssMb, last.ExecutorHeapMb, last.ClientRssMb, last.ClientHeapMb);
        var growth = baseline is null ? null : final.GrowthPercentSince(baseline);

        // The first minute runs right after the ramp of K sessions: it is left out of the stability check when there are others.
        var judged = minutes.Count > 1 ? minutes.Skip(1).Select(static m => m.P99Ms).Order().ToList() : [last.P99Ms];
        var median = judged[(judged.Count - 1) / 2];
        var max = judged[^1];
        return new SoakResult(
            "soak",
            minutes.Count,
            _arguments.Streams,
            _replacedPerMinute,
            Math.Round(ramp.TotalMilliseconds, 0),
            (int)BaselineOf(_minutes).TotalSeconds,
            baseline,
            final,
            growth,
            growth?.Max ?? 0,
            minutes.Min(static m => m.P99Ms),
            median,
            max,
            max <= Math.Max(2 * median, median + 5),
            _streamsOpened,
            Interlocked.Read(ref _framesSent),
            Interlocked.Read(ref _framesLost),
            Interlocked.Read(ref _disordered),
            _streamsFailed,
            _cycles,
            _cyclesFailed,
            leakedSessions,
            leakedContexts,
            minutes.Max(static m => m.LeakedSessions),
            minutes.Max(static m => m.LeakedLoadContexts),
            minutes.Min(static m => m.LoadAverage),
            minutes.Max(static m => m.LoadAverage),
            null)
        {
            PerMinute = minutes,
        };
    }

    /// <summary>The line of minute <paramref name="minute"/>, read while no remote object is deployed.</summary>
    private async Task<(SoakMinute Line, ResourceSnapshot Snapshot)> MinuteAsync(int minute, ResourceSnapshot last)
    {
        var latencies = Interlocked.Exchange(ref _latencies, new LatencyHistogram());
        var cycleLatencies = Interlocked.Exchange(ref _cycleLatencies, new LatencyHistogram());
        var cycles = Interlocked.Exchange(ref _cyclesThisMinute, 0);
        int sessions, leakedSessions;
        ProcessMemory executorMemory, clientMemory;
        await _objectGate.WaitAsync();
        try
        {
            (sessions, leakedSessions, executorMemory) = await SettledAsync(Running(), MinuteSettleTimeout);
            clientMemory = ProcessMemory.OfThisProcess();
        }
        finally
        {
            _objectGate.Release();
        }

        var snapshot = await ResourceSnapshot.TakeAsync(_executor);
        var use = snapshot.Since(last);
        var memory = SoakMemory.Of(executorMemory, clientMemory);
        var line = new SoakMinute(
            "soak-minute",
            minute,
            Running(),
            _replaced,
            latencies.Count,
            latencies.PercentileMs(0.50),
            latencies.PercentileMs(0.99),
            latencies.MaxMs,
            Interlocked.Read(ref _framesLost),
            Interlocked.Read(ref _disordered),
            Volatile.Read(ref _streamsFailed),
            cycles,
            cycleLatencies.PercentileMs(0.99),
            Volatile.Read(ref _cyclesFailed),
            memory.ExecutorRssMb,
            memory.ExecutorHeapMb,
            memory.ClientRssMb,
            memory.ClientHeapMb,
            sessions,
            leakedSessions,
            executorMemory.LoadContexts,
            executorMemory.UncollectedLoadContexts,
            use.ClientCpuPercent,
            use.ExecutorCpuPercent,
            LinuxCounters.LoadAverage());
        Console.Error.WriteLine($"soak: minute {minute}/{_minutes}: p99 {line.P99Ms:0.00} ms, lost {line.FramesLost}, executor RSS {line.ExecutorRssMb:0} MB heap {line.ExecutorHeapMb:0.0} MB, client RSS {line.ClientRssMb:0} MB heap {line.ClientHeapMb:0.0} MB, sessions {sessions} (leaked {leakedSessions}), load contexts leaked {line.LeakedLoadContexts}, load {line.LoadAverage:0.0}");
        return (line, snapshot);
    }

    /// <summary>Open streams that have not ended (a failed stream stays open, counted as failed, until the churn closes it).</summary>
    private int Running() => _open.Count(static s => !s.Completion.IsCompleted);

    /// <summary>
    /// The executor's active sessions, those beyond <paramref name="expected"/> and its memory; while sessions or load
    /// contexts beyond what the driver has open remain, reads again until <paramref name="within"/> passed (a session
    /// just closed, or a context just unloaded, may still be on its way out).
    /// </summary>
    private async Task<(int Sessions, int Leaked, ProcessMemory Memory)> SettledAsync(int expected, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var status = await _system.ActorSelection(_executor.Address + "/user/akka-media-executor")
                .Ask<ExecutorStatus>(GetExecutorStatus.Instance, TimeSpan.FromSeconds(10));
            var memory = await _executor.GetMemoryAsync();
            var leaked = Math.Max(0, status.ActiveSessions - expected);
            if ((leaked == 0 && memory.UncollectedLoadContexts == 0) || Stopwatch.GetTimestamp() > deadline)
            {
                return (status.ActiveSessions, leaked, memory);
            }

            await Task.Delay(SettlePoll);
        }
    }

    private SoakStream Open(PacedClock clock)
    {
        var stream = new SoakStream(() => Volatile.Read(ref _latencies));
        var (killSwitch, done) = Source.FromGraph(new PacedTickSource(clock))
            .ViaMaterialized(KillSwitches.Single<long>(), Keep.Right)
            .Select(stream.Send)
            .Via(_flow)
            .ToMaterialized(Sink.ForEach<AudioFrame>(stream.Receive), Keep.Both)
            .Run(_materializer);
        stream.KillSwitch = killSwitch;
        stream.Completion = done;
        var id = Interlocked.Increment(ref _streamsOpened);
        _ = done.ContinueWith(
            t =>
            {
                stream.FirstReceived.TrySetResult();
                if (t.IsFaulted)
                {
                    Interlocked.Increment(ref _streamsFailed);
                    Problem($"stream {id} failed: {t.Exception!.GetBaseException().Message}");
                }
            },
            TaskScheduler.Default);
        return stream;
    }

    /// <summary>Opens <see cref="_replacedPerMinute"/> new streams, then closes as many of the oldest.</summary>
    private async Task ChurnAsync(PacedClock clock)
    {
        var closing = new List<SoakStream>(_replacedPerMinute);
        for (var i = 0; i < _replacedPerMinute && _open.Count > 0; i++)
        {
            closing.Add(_open.Dequeue());
        }

        foreach (var _ in closing)
        {
            _open.Enqueue(Open(clock));
        }

        await Task.WhenAll(closing.Select(CloseAsync));
        Interlocked.Add(ref _replaced, closing.Count);
    }

    private async Task CloseAllAsync()
    {
        var closing = _open.ToList();
        _open.Clear();
        await Task.WhenAll(closing.Select(CloseAsync));
    }

    /// <summary>Stops the stream's source, waits for its frames in flight to come back, and counts what did not.</summary>
    private async Task CloseAsync(SoakStream stream)
    {
        stream.KillSwitch?.Shutdown();
        try
        {
            await stream.Completion.WaitAsync(CloseTimeout);
        }
        catch (TimeoutException)
        {
            Problem($"a stream had not completed {CloseTimeout.TotalSeconds:0} s after it was closed; aborted.");
            stream.KillSwitch?.Abort(new TimeoutException("The soak scenario gave up waiting for the stream to complete."));
            Interlocked.Increment(ref _streamsFailed);
        }
        catch (Exception)
        {
            // Counted (and logged) by the stream's own continuation.
        }

        Interlocked.Add(ref _framesSent, stream.Sent);
        Interlocked.Add(ref _framesLost, Math.Max(0, stream.Sent - stream.Received));
        Interlocked.Add(ref _disordered, stream.Disordered);
    }

    /// <summary>Deploy + one call + dispose of a <see cref="CallTarget"/>, every <see cref="CycleInterval"/>, until <paramref name="stop"/>.</summary>
    private async Task CycleLoopAsync(CancellationToken stop)
    {
        var options = new RemoteObjectOptions { Executor = _executor.Address };
        var x = 0;
        while (!stop.IsCancellationRequested)
        {
            var next = Stopwatch.GetTimestamp() + (long)(CycleInterval.TotalSeconds * Stopwatch.Frequency);
            await _objectGate.WaitAsync(CancellationToken.None);
            try
            {
                var started = Stopwatch.GetTimestamp();
                var remote = await RemoteObject.DeployAsync<ICallTarget>(_system, new CallTarget(), options);
                int result;
                try
                {
                    result = await remote.Proxy.AddAsync(x);
                }
                finally
                {
                    await remote.DisposeAsync();
                }

                Volatile.Read(ref _cycleLatencies).Record(Stopwatch.GetTimestamp() - started);
                Interlocked.Increment(ref _cyclesThisMinute);
                Interlocked.Increment(ref _cycles);
                if (result != x + 1)
                {
                    Interlocked.Increment(ref _cyclesFailed);
                    Problem($"object cycle {x}: Add({x}) answered {result}.");
                }
            }
            catch (Exception e)
            {
                Interlocked.Increment(ref _cyclesFailed);
                Problem($"object cycle {x} failed: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                _objectGate.Release();
            }

            x++;
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void Problem(string what)
    {
        if (Interlocked.Increment(ref _problems) <= ProblemsLogged)
        {
            Console.Error.WriteLine("soak: " + what);
        }
    }
}

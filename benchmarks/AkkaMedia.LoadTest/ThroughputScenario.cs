using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// One stream of frames through a remote <c>PassThrough</c> as fast as backpressure allows. Each run
/// opens its own session; frames per second are counted from the moment the first frame returned, so
/// placing the session is not part of the figure.
/// </summary>
internal sealed class ThroughputScenario(ActorSystem system, ExecutorChild executor, RemoteTransport transport, int seconds, int runs, int warmupSeconds)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);
    private double _loadAverage;

    public async Task<ThroughputResult> RunAsync()
    {
        var name = LoadTestArguments.NameOf(transport);
        var results = new List<ThroughputRun>();
        _loadAverage = LinuxCounters.LoadAverage();
        try
        {
            if (warmupSeconds > 0)
            {
                var warmup = await RunOnceAsync(system, executor, transport, TimeSpan.FromSeconds(warmupSeconds));
                Console.Error.WriteLine($"throughput {name} warm-up: {warmup.FramesPerSecond:0} frames/s");
            }

            for (var i = 0; i < runs; i++)
            {
                var run = await RunOnceAsync(system, executor, transport, TimeSpan.FromSeconds(seconds));
                Console.Error.WriteLine($"throughput {name} run {i + 1}/{runs}: {run}");
                results.Add(run);
            }

            return Result(results, null);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"throughput {name} failed: {e}");
            return Result(results, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>One full-speed run of <paramref name="duration"/> after the first frame returned; also the warm-up of the paced scenario.</summary>
    public static async Task<ThroughputRun> RunOnceAsync(ActorSystem system, ExecutorChild executor, RemoteTransport transport, TimeSpan duration)
    {
        var counter = new ThroughputCounter();
        var (killSwitch, done) = Source.Repeat(0)
            .ViaMaterialized(KillSwitches.Single<int>(), Keep.Right)
            .Select(_ => counter.Send())
            .Via(LoadTestFrames.PassThrough(transport))
            .ToMaterialized(Sink.ForEach<AudioFrame>(counter.Receive), Keep.Both)
            .Run(system.Materializer());
        try
        {
            var started = await Within(Task.WhenAny(counter.FirstReceived.Task, done), StartTimeout, () => "the first frame to return");
            await started;
            if (done.IsCompleted)
            {
                throw new InvalidOperationException("The stream completed before any frame returned.");
            }

            var start = await ResourceSnapshot.TakeAsync(executor);
            var receivedAtStart = counter.Received;
            await Task.WhenAny(Task.Delay(duration), done);
            var receivedAtEnd = counter.Received;
            var end = await ResourceSnapshot.TakeAsync(executor);
            killSwitch.Shutdown();
            await Within(done, StartTimeout, () => $"the stream to complete after it was shut down (sent {counter.Sent}, received {counter.Received})");

            var use = end.Since(start);
            return new ThroughputRun(
                Math.Round((receivedAtEnd - receivedAtStart) / use.WallSeconds, 0),
                counter.Sent,
                counter.Received,
                counter.Sent - counter.Received,
                counter.OutOfOrder,
                use.ClientCpuPercent,
                use.ExecutorCpuPercent,
                use.Per(receivedAtEnd - receivedAtStart),
                use.ClientCollections,
                use.ExecutorCollections,
                use.Runtime);
        }
        finally
        {
            killSwitch.Abort(new OperationCanceledException("The throughput run ended."));
        }
    }

    private static async Task<T> Within<T>(Task<T> task, TimeSpan timeout, Func<string> what)
    {
        try
        {
            return await task.WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what()}.", e);
        }
    }

    private ThroughputResult Result(List<ThroughputRun> results, string? error)
    {
        var ordered = results.Select(static r => r.FramesPerSecond).Order().ToArray();
        var median = ordered.Length == 0 ? 0 : ordered.Length % 2 == 1
            ? ordered[ordered.Length / 2]
            : Math.Round((ordered[(ordered.Length / 2) - 1] + ordered[ordered.Length / 2]) / 2, 0);
        return new ThroughputResult("throughput", LoadTestArguments.NameOf(transport), median, results, LoadTestFrames.FrameBytes, seconds, results.Sum(static r => r.FramesLost), _loadAverage, error);
    }
}

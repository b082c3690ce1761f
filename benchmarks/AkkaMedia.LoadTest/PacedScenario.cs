using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// K concurrent streams at real-time pace (one frame every 20 ms each, phases spread evenly over the
/// 20 ms by a <see cref="PacedClock"/>) through remote <c>PassThrough</c> stages, measuring the round trip of every frame. Streams
/// are opened in waves; the next wave starts once every stream of the previous one has a frame back,
/// so placing hundreds of sessions does not itself time out. Each stream sends <c>seconds</c> × 50
/// frames from its start; when <paramref name="hold"/> is set (the growth scenario) the streams instead run
/// until <c>seconds</c> after the last one had its first frame back and are then shut down, so all K run
/// at once for the whole measured window however long the ramp took. With <paramref name="startAfterPlacement"/> each
/// stream sends one frame (timing its session's open) and then waits until every stream is placed, and the
/// <c>seconds</c> are counted from there. With <paramref name="flood"/> workers, a <see cref="SessionFlood"/> opens and closes
/// sessions as fast as it can during the second half of the steady window, and the result compares the paced round trips
/// of the two halves; with <paramref name="floodProcess"/> the flood runs in a client process of its own (with
/// <paramref name="floodNice"/> at the lowest CPU priority). With <paramref name="openRate"/> above 0 the streams are
/// opened at no more than that many a second (waves of at most that many), so that an executor's per-client
/// <c>max-session-opens-per-second</c> at or above it never refuses them. With <paramref name="floodElsewhere"/> the flood
/// process floods an executor process of its own (its own cluster, started before the streams), not the paced streams':
/// the control that shows what the flood costs the running streams through this machine's CPU alone.
/// </summary>
internal sealed class PacedScenario(
    ActorSystem system,
    IReadOnlyList<ExecutorChild> executors,
    RemoteTransport transport,
    int streams,
    int seconds,
    int wave,
    int warmupSeconds,
    int paceResolutionMs,
    bool hold = false,
    bool startAfterPlacement = false,
    int flood = 0,
    IReadOnlyList<string>? floodProcess = null,
    bool floodNice = false,
    int openRate = 0,
    bool floodElsewhere = false)
{
    private static readonly TimeSpan WaveTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan EndTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Held streams stop after this much more than the measured window at the latest (a guard, far beyond any ramp).</summary>
    private static readonly TimeSpan HoldAllowance = TimeSpan.FromMinutes(10);
    private double _loadAverage;
    private SessionFlood? _flood;
    private FloodResult? _floodOfProcess;
    private long _floodFrom;
    private long _floodTo;
    private ExecutorChild? _floodTarget;

    public async Task<PacedResult> RunAsync()
    {
        if (flood > 0 && floodProcess is not null && floodElsewhere)
        {
            try
            {
                _floodTarget = await ExecutorChild.StartAsync(floodProcess, TimeSpan.FromSeconds(60));
                Console.Error.WriteLine($"paced: the flood's own executor {_floodTarget.Address} ready (pid {_floodTarget.ProcessId})");
            }
            catch (Exception e)
            {
                return Empty($"The flood's own executor did not start: {e.GetType().Name}: {e.Message}");
            }
        }

        try
        {
            return await RunStreamsAsync();
        }
        finally
        {
            _floodTarget?.Dispose();
        }
    }

    private async Task<PacedResult> RunStreamsAsync()
    {
        var name = LoadTestArguments.NameOf(transport);
        _loadAverage = LinuxCounters.LoadAverage();
        if (warmupSeconds > 0)
        {
            try
            {
                // One full-speed stream per executor at once: placement spreads them, so every executor is warm.
                var warmups = await Task.WhenAll(executors.Select(e => ThroughputScenario.RunOnceAsync(system, e, transport, TimeSpan.FromSeconds(warmupSeconds))));
                Console.Error.WriteLine($"paced {name} warm-up: {string.Join(" + ", warmups.Select(static w => w.FramesPerSecond.ToString("0", System.Globalization.CultureInfo.InvariantCulture)))} frames/s full speed");
            }
            catch (Exception e)
            {
                return Empty($"Warm-up failed: {e.GetType().Name}: {e.Message}");
            }
        }

        var framesPerSecond = (int)(TimeSpan.FromSeconds(1) / LoadTestFrames.Interval);
        var frames = (seconds + (hold ? (int)HoldAllowance.TotalSeconds : 0)) * framesPerSecond;
        var probes = new List<PacedStream>(streams);
        var completions = new List<Task>(streams);
        var killSwitches = new List<UniqueKillSwitch>(streams);
        var flow = LoadTestFrames.PassThrough(transport);
        var materializer = system.Materializer();
        var errors = new List<string>();
        using var clock = new PacedClock(streams, TimeSpan.FromMilliseconds(paceResolutionMs));
        if (startAfterPlacement)
        {
            clock.Hold();
        }

        var rampStart = await ResourceSnapshot.TakeAsync(executors);
        var epoch = Stopwatch.GetTimestamp();
        // Paced opens: a wave no larger than the rate, each wave no earlier than its share of the rate allows, so a
        // client held to that many opens a second by its executor is never refused.
        var waveSize = openRate > 0 ? Math.Min(wave, openRate) : wave;
        for (var first = 0; first < streams; first += waveSize)
        {
            var count = Math.Min(waveSize, streams - first);
            if (openRate > 0 && TimeSpan.FromSeconds((double)first / openRate) - Stopwatch.GetElapsedTime(epoch) is { Ticks: > 0 } early)
            {
                await Task.Delay(early);
            }

            for (var i = first; i < first + count; i++)
            {
                var probe = new PacedStream(frames);
                probe.MarkStarted();
                var (killSwitch, done) = Source.FromGraph(new PacedTickSource(clock))
                    .ViaMaterialized(KillSwitches.Single<long>(), Keep.Right)
                    .Take(frames)
                    .Select(probe.Send)
                    .Via(flow)
                    .ToMaterialized(Sink.ForEach<AudioFrame>(probe.Receive), Keep.Both)
                    .Run(materializer);
                _ = done.ContinueWith(_ => probe.FirstReceived.TrySetResult(), TaskScheduler.Default);
                probes.Add(probe);
                completions.Add(done);
                killSwitches.Add(killSwitch);
            }

            try
            {
                await Task.WhenAll(probes.Skip(first).Select(static p => p.FirstReceived.Task)).WaitAsync(WaveTimeout);
            }
            catch (TimeoutException)
            {
                errors.Add($"Streams {first}..{first + count - 1} did not all get a frame back within {WaveTimeout.TotalSeconds:0} s; no further streams were opened.");
                break;
            }

            Console.Error.WriteLine($"paced {name}: {probes.Count}/{streams} streams running after {Stopwatch.GetElapsedTime(epoch).TotalMilliseconds:0} ms");
        }

        var ramp = Stopwatch.GetElapsedTime(epoch);
        var start = await ResourceSnapshot.TakeAsync(executors);
        var rampCost = RampCost.Of(start.Since(rampStart), probes.Count);
        var released = Stopwatch.GetTimestamp();
        clock.Release();
        var all = Task.WhenAll(completions);
        var receivedAtStart = probes.Sum(static p => (long)p.Received);
        var steady = hold || startAfterPlacement
            ? TimeSpan.FromSeconds(seconds) - (startAfterPlacement ? TimeSpan.FromMilliseconds(500) + Stopwatch.GetElapsedTime(released) : TimeSpan.Zero)
            : TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(500) - Stopwatch.GetElapsedTime(epoch);
        Task floodRun = Task.CompletedTask;
        if (flood > 0 && steady > TimeSpan.FromSeconds(2))
        {
            // The first half of the steady window without the flood, the second half with it.
            await Task.WhenAny(all, Task.Delay(steady / 2));
            if (floodProcess is not null)
            {
                // The child needs a few seconds to join; it floods for what is left of the window once it has.
                var flooding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using var abortFlood = new CancellationTokenSource();
                var floodSeconds = Math.Max(2, (int)((steady - (steady / 2)).TotalSeconds / 2));
                var child = FloodProcess.StartAsync(_floodTarget?.Address ?? executors[0].Address, transport, flood, floodSeconds, floodProcess, floodNice, flooding, abortFlood.Token);
                Console.Error.WriteLine($"paced {name}: flood process of {flood} session openers starting for {floodSeconds} s");
                try
                {
                    await flooding.Task.WaitAsync(TimeSpan.FromSeconds(60));
                    _floodFrom = Stopwatch.GetTimestamp();
                    _floodOfProcess = await child;
                    _floodTo = Stopwatch.GetTimestamp();
                }
                catch (Exception e)
                {
                    await abortFlood.CancelAsync();
                    errors.Add($"The flood process failed: {e.GetType().Name}: {e.Message}");
                }
            }
            else
            {
                _flood = new SessionFlood(system, transport, flood);
                using var stopFlood = new CancellationTokenSource();
                _floodFrom = Stopwatch.GetTimestamp();
                Console.Error.WriteLine($"paced {name}: flood of {flood} session openers starts");
                floodRun = _flood.RunAsync(stopFlood.Token);
                await Task.WhenAny(all, Task.Delay(steady - (steady / 2)));
                _floodTo = Stopwatch.GetTimestamp();
                await stopFlood.CancelAsync();
            }
        }
        else
        {
            await Task.WhenAny(all, Task.Delay(steady > TimeSpan.FromSeconds(1) ? steady : TimeSpan.FromSeconds(seconds) + EndTimeout));
        }

        var end = await ResourceSnapshot.TakeAsync(executors);
        var receivedInWindow = probes.Sum(static p => (long)p.Received) - receivedAtStart;
        if (hold)
        {
            // Stop sending; the frames still in flight come back before each stream completes.
            foreach (var killSwitch in killSwitches)
            {
                killSwitch.Shutdown();
            }
        }

        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(seconds) + EndTimeout)) != all)
        {
            errors.Add($"{completions.Count(static c => !c.IsCompleted)} streams had not completed {seconds + EndTimeout.TotalSeconds:0} s after the last wave opened; they were aborted.");
            foreach (var killSwitch in killSwitches)
            {
                killSwitch.Abort(new TimeoutException("The paced scenario gave up waiting."));
            }

            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10)));
        }

        if (await Task.WhenAny(floodRun, Task.Delay(EndTimeout)) != floodRun)
        {
            errors.Add($"The flood's workers had not finished {EndTimeout.TotalSeconds:0} s after it was stopped.");
        }

        var failed = completions.Where(static c => c.IsFaulted).ToList();
        errors.AddRange(failed
            .Select(static c => c.Exception!.GetBaseException())
            .GroupBy(static e => $"{e.GetType().Name}: {e.Message}")
            .Select(static g => $"{g.Count()} streams failed with {g.Key}"));
        return Aggregate(probes, epoch, failed.Count, ramp, end.Since(start), receivedInWindow, rampCost, errors);
    }

    private PacedResult Aggregate(List<PacedStream> probes, long epoch, int failed, TimeSpan ramp, ResourceUse use, long receivedInWindow, RampCost rampCost, List<string> errors)
    {
        var latencies = new List<long>(probes.Sum(static p => p.Sent));
        var bySecond = new List<List<long>>();
        var steady = new List<long>(latencies.Capacity);
        var steadyFrom = epoch + (long)(ramp.TotalSeconds * Stopwatch.Frequency);
        foreach (var probe in probes)
        {
            probe.CollectLatencies(latencies, epoch, bySecond, steadyFrom, steady);
        }

        latencies.Sort();
        steady.Sort();
        foreach (var second in bySecond)
        {
            second.Sort();
        }

        var opens = probes.Select(static p => p.OpenTicks).Where(static t => t >= 0).Order().ToList();
        var sent = probes.Sum(static p => (long)p.Sent);
        var received = probes.Sum(static p => (long)p.Received);
        var lost = sent - received;
        if (probes.Count < streams)
        {
            errors.Add($"Only {probes.Count} of {streams} streams were opened.");
        }

        FloodResult? floodResult = null;
        if (_flood is not null || _floodOfProcess is not null)
        {
            var without = new List<long>();
            var with = new List<long>();
            foreach (var probe in probes)
            {
                probe.CollectWindow(steadyFrom, _floodFrom, without);
                probe.CollectWindow(_floodFrom, _floodTo, with);
            }

            floodResult = _flood?.Result((_floodTo - _floodFrom) / (double)Stopwatch.Frequency, without, with)
                ?? _floodOfProcess! with
                {
                    FramesWithout = without.Count,
                    P50WithoutMs = SessionFlood.Percentile(without, 0.50),
                    P99WithoutMs = SessionFlood.Percentile(without, 0.99),
                    FramesWith = with.Count,
                    P50WithMs = SessionFlood.Percentile(with, 0.50),
                    P99WithMs = SessionFlood.Percentile(with, 0.99),
                };
        }

        return new PacedResult(
            "paced",
            LoadTestArguments.NameOf(transport),
            streams,
            seconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            latencies.Count == 0 ? 0 : Milliseconds(latencies[^1]),
            sent,
            received,
            lost,
            use.ClientCpuPercent,
            use.ExecutorCpuPercent,
            Percentile(latencies, 0.90),
            Percentile(latencies, 0.999),
            latencies.Count == 0 ? 0 : Math.Round(Milliseconds((long)latencies.Average()), 3),
            probes.Sum(static p => (long)p.OutOfOrder + p.Unexpected),
            probes.Sum(static p => (long)p.Duplicates),
            failed,
            Math.Round(ramp.TotalMilliseconds, 0),
            wave,
            use.WallSeconds,
            use.Per(receivedInWindow),
            use.ClientCollections,
            use.ExecutorCollections,
            use.Runtime,
            bySecond.Select(static s => Percentile(s, 0.99)).ToArray(),
            new SteadyLatency(steady.Count, Percentile(steady, 0.50), Percentile(steady, 0.99), steady.Count == 0 ? 0 : Milliseconds(steady[^1])),
            new SessionOpenLatency(opens.Count, Percentile(opens, 0.50), Percentile(opens, 0.90), Percentile(opens, 0.99), opens.Count == 0 ? 0 : Milliseconds(opens[^1])),
            use.WallSeconds <= 0 ? 0 : Math.Round(receivedInWindow / use.WallSeconds, 0),
            use.CpuMicrosecondsPer(receivedInWindow),
            executors.Count,
            use.ExecutorCpuPercents,
            paceResolutionMs,
            _loadAverage,
            rampCost,
            startAfterPlacement,
            errors.Count == 0 ? null : string.Join(" ", errors),
            floodResult);
    }

    private PacedResult Empty(string error) => new(
        "paced", LoadTestArguments.NameOf(transport), streams, seconds, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, wave, 0, new PerFrame(0, 0, 0, 0, 0), "0/0/0", "0/0/0", new RuntimeCost(0, 0, 0, 0), [], new SteadyLatency(0, 0, 0, 0), new SessionOpenLatency(0, 0, 0, 0, 0), 0, 0, executors.Count, [], paceResolutionMs, _loadAverage, null, startAfterPlacement, error);

    private static double Percentile(List<long> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return Milliseconds(sorted[Math.Clamp(rank, 0, sorted.Count - 1)]);
    }

    private static double Milliseconds(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 3);
}

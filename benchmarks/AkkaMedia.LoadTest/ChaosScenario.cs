using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Frames;
using AkkaMedia.LoadTest.Calls;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.General;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// Executors dying under load: E executor child processes in one cluster and K paced streams, a third through a
/// stateless <c>PassThrough</c> with failover, a third through a stateful <c>Echo</c> with failover (checkpointed), a
/// third through <c>PassThrough</c> without failover. Every <c>--kill-every</c> seconds one executor is killed with
/// SIGKILL and a new one started in its place. Every output frame of every stream is checked against the same node
/// run in the driver; a stream without failover that fails is replaced by a new one. Reports frames lost or wrong,
/// streams failed (and how long after a kill), resume times, and sessions left on the executors at the end. Beside the
/// streams, <c>--objects</c> durable counters (hosted by the driver, run on the executors) are called every 500 ms each:
/// every answer is checked, so a call lost or applied twice shows.
/// </summary>
internal static class ChaosScenario
{
    private const string EchoSettings = "delay = 130ms\ndecay = 0.6";

    /// <summary>Replacements started for one killed executor before the run gives up (one that cannot join is replaced).</summary>
    private const int MaxStartAttempts = 3;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long after a kill its replacement starts, as a process supervisor would (systemd's RestartSec).</summary>
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(2);

    /// <summary>Pause between two calls of one durable counter: 50 counters make 100 journaled calls a second.</summary>
    private static readonly TimeSpan CallInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Failure detection and downing quick enough for a kill every 10 s: a replacement can only become a member once
    /// the killed one is downed (the cluster converges), so the load test's tolerant 10 s heartbeat pause would keep
    /// new executors joining forever. <c>--set</c> still overrides these.
    /// </summary>
    private static readonly string[] QuickDowning =
    [
        "akka.cluster.failure-detector.acceptable-heartbeat-pause = 4s",
        "akka.cluster.split-brain-resolver.stable-after = 2s",

        // A member killed every few seconds, and its replacement joining, keep the cluster "unstable" for longer than
        // stable-after allows; the resolver would then down every member, the driver's own client included (seen in
        // CI). Each kill is a clean loss of one member, which keep-majority decides alone.
        "akka.cluster.split-brain-resolver.down-all-when-unstable = off",
    ];

    public static async Task<int> RunAsync(LoadTestArguments arguments, TextWriter results)
    {
        var seconds = arguments.Seconds ?? 120;
        var executorCount = arguments.ExecutorCounts[0];
        var killEvery = TimeSpan.FromSeconds(arguments.KillEverySeconds);
        arguments = arguments with { Settings = [.. QuickDowning, .. arguments.Settings] };
        var children = new List<ExecutorChild>();
        var result = ChaosResult.Empty(arguments.Streams, executorCount, seconds, arguments.KillEverySeconds);
        try
        {
            Console.Error.WriteLine($"chaos: starting {executorCount} executor processes...");
            for (var i = 0; i < executorCount; i++)
            {
                children.Add(await ExecutorChild.StartAsync(arguments.Settings, StartTimeout, i == 0 ? null : children[0].Address));
            }

            var journal = Path.Combine(Path.GetTempPath(), $"akkamedia-chaos-{Environment.ProcessId}");
            Directory.CreateDirectory(journal);
            var system = MediaActorSystem.Create(LoadTestConfig.SystemName, DurableHost(journal).WithFallback(LoadTestConfig.Client(children[0].Address, arguments.Settings)));
            try
            {
                await GrowthScenario.WaitForExecutorsAsync(system, children);
                result = await new Run(system, children, arguments, seconds, killEvery).ExecuteAsync();
            }
            finally
            {
                await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(static _ => { }, TaskScheduler.Default);
                Directory.Delete(journal, recursive: true);
            }
        }
        catch (Exception e)
        {
            // Whatever stopped the run is its result: the children are killed below, and the line says why.
            result = result with { Error = $"{e.GetType().Name}: {e.Message}" };
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }

        results.WriteLine(JsonSerializer.Serialize(result, LoadTestDriver.Json));
        results.Write(result.MarkdownTable());
        results.Flush();
        return result.Succeeded ? 0 : 1;
    }

    /// <summary>
    /// The driver hosts the durable objects' entities and their journal (executors are what gets killed); the journal
    /// goes to <paramref name="folder"/>, deleted afterwards.
    /// </summary>
    private static Akka.Configuration.Config DurableHost(string folder) => Akka.Configuration.ConfigurationFactory.ParseString($$"""
        akka.cluster.roles = [client, durable-objects]
        akka-media.durable.sqlite.journal-path = "{{Path.Combine(folder, "journal.db").Replace("\\", "/", StringComparison.Ordinal)}}"
        akka-media.durable.sqlite.snapshot-path = "{{Path.Combine(folder, "snapshots.db").Replace("\\", "/", StringComparison.Ordinal)}}"
        """);

    /// <summary>Sample <paramref name="index"/> of stream <paramref name="stream"/>: cheap noise, different in every frame.</summary>
    internal static float Sample(int stream, long index)
    {
        var x = (ulong)index * 0x9E3779B97F4A7C15UL ^ ((ulong)stream * 0xC2B2AE3D27D4EB4FUL);
        x ^= x >> 29;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 32;
        return ((x & 0xFFFF) / 65536f) - 0.5f;
    }

    private static AudioFrame Frame(int stream, long sequence)
    {
        var samples = new float[LoadTestFrames.SamplesPerFrame];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = Sample(stream, (sequence * samples.Length) + i);
        }

        return new AudioFrame(samples, LoadTestFrames.SampleRate, 1, sequence, TimeSpan.FromTicks(sequence * LoadTestFrames.Interval.Ticks));
    }

    /// <summary>What each third of the streams runs.</summary>
    internal enum Kind
    {
        Stateless,
        Stateful,
        NoFailover,
    }

    private sealed class Run(ActorSystem system, List<ExecutorChild> children, LoadTestArguments arguments, int seconds, TimeSpan killEvery)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentQueue<double> _resumeMs = new();
        private readonly ConcurrentQueue<string> _problems = new();
        private readonly ConcurrentQueue<double> _failureAfterKillMs = new();
        private readonly ConcurrentBag<Task> _streams = [];
        private readonly IMaterializer _materializer = system.Materializer();
        private readonly object _gate = new();
        private double _lastKillMs = double.NegativeInfinity;
        private long _framesSent;
        private long _framesChecked;
        private long _framesLost;
        private int _failedWithFailover;
        private int _failedWithout;
        private int _replaced;
        private int _kills;
        private int _nextStream;
        private long _callsAcknowledged;
        private long _callsFailed;
        private long _callsWrong;

        public async Task<ChaosResult> ExecuteAsync()
        {
            using var listener = ListenToResumes();
            var end = TimeSpan.FromSeconds(seconds);
            var objects = await Task.WhenAll(Enumerable.Range(0, arguments.Objects).Select(i =>
                RemoteObject.GetOrDeployAsync<IChaosCounter>(system, $"chaos-counter-{Environment.ProcessId}-{i}", () => new ChaosCounter())));
            var callers = objects.Select(o => Task.Run(() => CallAsync(o, end))).ToList();
            // Placement spreads streams opened together over the executors in turn: mixing the kinds along the order of
            // opening gives every executor streams of every kind (i % 3 would put all of one kind on one executor).
            for (var i = 0; i < arguments.Streams; i++)
            {
                Start((Kind)((i + (i / 3)) % 3), seconds * 50);
            }

            Console.Error.WriteLine($"chaos: {arguments.Streams} streams started; killing an executor every {killEvery.TotalSeconds:0} s for {seconds} s.");
            var restarts = new List<Task>();
            for (var next = killEvery; next + killEvery <= end; next += killEvery)
            {
                if (next > _clock.Elapsed)
                {
                    await Task.Delay(next - _clock.Elapsed);
                }

                // The oldest executor that is up dies; its replacement starts in the background, so kills keep their
                // pace however long a new member takes to join (it waits until the dead one is downed).
                ExecutorChild killed;
                lock (children)
                {
                    if (children.Count < 2)
                    {
                        Console.Error.WriteLine($"chaos: only {children.Count} executor up at {_clock.Elapsed.TotalSeconds:0.0} s; no kill this time.");
                        continue;
                    }

                    killed = children[0];
                    children.RemoveAt(0);
                }

                lock (_gate)
                {
                    _lastKillMs = _clock.Elapsed.TotalMilliseconds;
                }

                killed.Dispose();
                Interlocked.Increment(ref _kills);
                Console.Error.WriteLine($"chaos: killed {killed.Address} at {_clock.Elapsed.TotalSeconds:0.0} s; starting a replacement...");
                restarts.Add(RestartAsync());
            }

            await Task.WhenAll(restarts);
            await Task.WhenAll(callers);

            // Every stream ends by itself once its frames are sent (replacements are started with what is left).
            while (_streams.Any(t => !t.IsCompleted))
            {
                await Task.WhenAll(_streams.ToArray());
            }

            foreach (var counter in objects)
            {
                await counter.DestroyAsync();
            }

            var leaked = await LeakedSessionsAsync();
            var resumes = _resumeMs.Order().ToList();
            var failures = _failureAfterKillMs.Order().ToList();
            return new ChaosResult(
                "chaos", arguments.Streams, arguments.ExecutorCounts[0], seconds, (int)killEvery.TotalSeconds, _kills,
                _framesSent, _framesChecked, _framesLost, _failedWithFailover, _failedWithout, _replaced,
                failures.Count == 0 ? 0 : failures[^1], resumes.Count, Percentile(resumes, 0.50), Percentile(resumes, 0.99),
                resumes.Count == 0 ? 0 : resumes[^1], leaked, arguments.Objects, _callsAcknowledged, _callsFailed, _callsWrong, [.. _problems.Take(10)], null);
        }

        /// <summary>
        /// Increments one durable counter every <see cref="CallInterval"/> until <paramref name="end"/>, checking each answer: it must be one
        /// more than the last acknowledged (two more is allowed only after a call that failed, which may have been
        /// applied). At the end, the count must be the last answer (plus the failed calls after it, at most).
        /// </summary>
        private async Task CallAsync(DurableObject<IChaosCounter> counter, TimeSpan end)
        {
            long last = 0;
            var unsure = 0;
            while (_clock.Elapsed < end)
            {
                try
                {
                    var count = await counter.Proxy.IncrementAsync();
                    Interlocked.Increment(ref _callsAcknowledged);
                    if (count < last + 1 || count > last + 1 + unsure)
                    {
                        Interlocked.Increment(ref _callsWrong);
                        _problems.Enqueue($"durable counter {counter.Name}: answered {count} after {last}{(unsure > 0 ? $" and {unsure} failed calls" : string.Empty)}");
                    }

                    last = count;
                    unsure = 0;
                }
                catch (Exception e) when (e is RemoteObjectException or TimeoutException or RemoteExecutionException)
                {
                    Interlocked.Increment(ref _callsFailed);
                    unsure++;
                    _problems.Enqueue($"durable counter {counter.Name}: a call failed: {e.Message}");
                }

                await Task.Delay(CallInterval);
            }

            long final;
            try
            {
                final = await counter.Proxy.CountAsync();
            }
            catch (Exception e) when (e is RemoteObjectException or TimeoutException)
            {
                Interlocked.Increment(ref _callsFailed);
                _problems.Enqueue($"durable counter {counter.Name}: its final count could not be read: {e.Message}");
                return;
            }

            if (final < last || final > last + unsure)
            {
                Interlocked.Increment(ref _callsWrong);
                _problems.Enqueue($"durable counter {counter.Name}: counts {final} at the end, the last answer was {last}");
            }
        }

        private async Task RestartAsync()
        {
            await Task.Delay(RestartDelay);
            for (var attempt = 1; ; attempt++)
            {
                // Through every executor up now: the one that was oldest at the kill may be gone by the time this joins.
                string seed;
                lock (children)
                {
                    seed = string.Join(',', children.Select(static c => c.Address));
                }

                try
                {
                    var child = await ExecutorChild.StartAsync(arguments.Settings, StartTimeout, seed);
                    lock (children)
                    {
                        children.Add(child);
                    }

                    Console.Error.WriteLine($"chaos: {child.Address} up at {_clock.Elapsed.TotalSeconds:0.0} s.");
                    return;
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException && attempt < MaxStartAttempts)
                {
                    // A replacement that could not join (downed while a loaded machine paused it, or its seeds all died)
                    // is a fact of the machine, not of what the scenario measures: another is started.
                    Console.Error.WriteLine($"chaos: a replacement did not join at {_clock.Elapsed.TotalSeconds:0.0} s (attempt {attempt} of {MaxStartAttempts}): {e.Message.Split('\n')[0]}");
                }
            }
        }

        private void Start(Kind kind, int frames)
        {
            var id = Interlocked.Increment(ref _nextStream);
            _streams.Add(Task.Run(() => RunStreamAsync(id, kind, frames)));
        }

        private async Task RunStreamAsync(int id, Kind kind, int frames)
        {
            var options = new RemoteStageOptions { Transport = RemoteTransport.MediaLink, Failover = kind != Kind.NoFailover };
            var check = new Checker(this, id, frames, kind == Kind.Stateful ? new EchoNode(TimeSpan.FromMilliseconds(130), 0.6f) : new PassThroughNode<AudioFrame>());
            try
            {
                await Source.From(Enumerable.Range(0, frames))
                    .Throttle(50, TimeSpan.FromSeconds(1), 1, ThrottleMode.Shaping)
                    .Select(i =>
                    {
                        Interlocked.Increment(ref _framesSent);
                        return Frame(id, i);
                    })
                    .Via(RemoteNode.Flow<AudioFrame, AudioFrame>(kind == Kind.Stateful ? "Echo" : "PassThrough", kind == Kind.Stateful ? EchoSettings : string.Empty, options))
                    .RunWith(Sink.ForEach<AudioFrame>(check.Received), _materializer);
                check.Completed();
            }
            catch (Exception e)
            {
                var lost = check.Failed();
                if (kind != Kind.NoFailover)
                {
                    Interlocked.Increment(ref _failedWithFailover);
                    Interlocked.Add(ref _framesLost, lost);
                    _problems.Enqueue($"stream {id} ({kind}) failed: {e.GetBaseException().Message}");
                    return;
                }

                Interlocked.Increment(ref _failedWithout);
                double sinceKill;
                lock (_gate)
                {
                    sinceKill = _clock.Elapsed.TotalMilliseconds - _lastKillMs;
                }

                _failureAfterKillMs.Enqueue(sinceKill);
                if (sinceKill > 1000)
                {
                    _problems.Enqueue($"stream {id} without failover failed {sinceKill:0} ms after the last kill, at {_clock.Elapsed.TotalSeconds:0.0} s: {e.GetBaseException().Message}");
                }

                if (e is not RemoteStageException)
                {
                    _problems.Enqueue($"stream {id} without failover failed with {e.GetType().Name}, not RemoteStageException: {e.Message}");
                }

                var left = (int)((TimeSpan.FromSeconds(seconds) - _clock.Elapsed).TotalSeconds * 50);
                if (left > 150)
                {
                    Interlocked.Increment(ref _replaced);
                    Start(Kind.NoFailover, left);
                }
            }
        }

        private MeterListener ListenToResumes()
        {
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == AkkaMediaTelemetry.RemoteMeterName && instrument.Name == "failover.resume_time" && ReferenceEquals(instrument.Meter.Scope, system))
                    {
                        l.EnableMeasurementEvents(instrument);
                    }
                },
            };
            listener.SetMeasurementEventCallback<double>((_, value, _, _) => _resumeMs.Enqueue(value));
            listener.Start();
            return listener;
        }

        private async Task<int> LeakedSessionsAsync()
        {
            // A session closes shortly after its stream completes; give the executors a moment to count it out.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
            while (true)
            {
                List<ExecutorChild> up;
                lock (children)
                {
                    up = [.. children];
                }

                var statuses = await Task.WhenAll(up.Select(c =>
                    system.ActorSelection(c.Address + "/user/akka-media-executor").Ask<ExecutorStatus>(GetExecutorStatus.Instance, TimeSpan.FromSeconds(10))));
                var open = statuses.Sum(s => s.ActiveSessions);
                if (open == 0 || DateTime.UtcNow > deadline)
                {
                    return open;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }

        private static double Percentile(IReadOnlyList<double> sorted, double p) =>
            sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

        /// <summary>
        /// Runs the same node in the driver over the same frames, one input per remote output it needs, and compares
        /// each remote output sample for sample. Called on the stream's sink only (one thread at a time).
        /// </summary>
        private sealed class Checker(Run run, int stream, int frames, Node<AudioFrame, AudioFrame> local) : INodeOutput<AudioFrame>
        {
            private readonly Queue<AudioFrame> _expected = new();
            private long _fed;
            private long _received;
            private bool _localCompleted;
            private bool _wrong;

            public void Received(AudioFrame frame)
            {
                while (_expected.Count == 0 && !_localCompleted)
                {
                    if (_fed < frames)
                    {
                        local.Process(Frame(stream, _fed++), this);
                    }
                    else
                    {
                        local.Complete(this);
                        _localCompleted = true;
                    }
                }

                _received++;
                Interlocked.Increment(ref run._framesChecked);
                if (!_expected.TryDequeue(out var expected))
                {
                    Wrong($"output {_received - 1} (frame {frame.Sequence}) is one more than the node emits");
                    return;
                }

                if (expected.Sequence != frame.Sequence || !expected.Samples.Span.SequenceEqual(frame.Samples.Span))
                {
                    Wrong($"output {_received - 1} is frame {frame.Sequence}, expected frame {expected.Sequence} with its samples");
                }
            }

            public void Completed()
            {
                while (_fed < frames)
                {
                    local.Process(Frame(stream, _fed++), this);
                }

                if (!_localCompleted)
                {
                    local.Complete(this);
                }

                if (_expected.Count > 0)
                {
                    Interlocked.Add(ref run._framesLost, _expected.Count);
                    run._problems.Enqueue($"stream {stream}: {_expected.Count} output frames missing at the end");
                }

                local.Dispose();
            }

            /// <summary>The stream failed: the frames it did not deliver.</summary>
            public long Failed()
            {
                local.Dispose();
                return Math.Max(0, frames - _received);
            }

            /// <summary>Counts one wrong output per stream (a shifted stream would otherwise count every frame after the shift).</summary>
            private void Wrong(string what)
            {
                if (!_wrong)
                {
                    _wrong = true;
                    Interlocked.Increment(ref run._framesLost);
                    run._problems.Enqueue($"stream {stream}: {what}");
                }
            }

            void INodeOutput<AudioFrame>.Emit(AudioFrame element) => _expected.Enqueue(element);
        }
    }
}

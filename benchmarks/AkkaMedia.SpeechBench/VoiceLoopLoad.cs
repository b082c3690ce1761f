using System.Collections.Concurrent;
using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using AkkaMedia.Speech;
using AkkaMedia.Speech.Vad;
using AkkaMedia.Speech.Voice;

namespace AkkaMedia.SpeechBench;

/// <summary>
/// How many voice-loop sessions one executor carries: K sessions of <c>voice-loop.conf</c>'s stages (Silero VAD here,
/// speech to text on an <c>akkamedia node</c> executor process, the spoken reply here), each talking at real time: a
/// sentence, then 3.4 s of silence, over and over, the sessions' turns spread evenly over a turn's length. Reports the turn latency (end of speech as VAD declared it to the
/// first reply frame) per K, and the CPU of both processes.
/// </summary>
internal static class VoiceLoopLoad
{
    public static async Task RunAsync(IReadOnlyList<int> sessionCounts, TimeSpan duration, TimeSpan warmup, TextWriter output)
    {
        using var executor = await ExecutorNode.StartAsync();
        var config = ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = 127.0.0.1
            akka.remote.dot-netty.tcp.port = 0
            akka.cluster.seed-nodes = ["{{executor.Address}}"]
            akka.cluster.roles = [client]
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 10s
            akka-media.remote.open-timeout = 30s
            """);
        var system = MediaActorSystem.Create("media", config);
        try
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
            await up.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var registry = SpeechNodes.Register(new NodeRegistry());
            var responder = registry.Get("VoiceResponder");
            var responderFactory = responder.Bind(ConfigurationFactory.ParseString("sample-rate = 16000"));
            var scripts = Enumerable.Range(0, BenchAudio.Sentences.Length).Select(Script).ToList();
            foreach (var sessions in sessionCounts)
            {
                await RunOnceAsync(system, executor, sessions, duration, warmup, scripts, () => responder.CreateUntypedFlow(responderFactory), output);
            }
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task RunOnceAsync(
        ActorSystem system,
        ExecutorNode executor,
        int sessions,
        TimeSpan duration,
        TimeSpan warmup,
        List<AudioFrame[]> scripts,
        Func<Flow<object, object, NotUsed>> responder,
        TextWriter output)
    {
        var latencies = new ConcurrentBag<(TimeSpan At, TurnLatency Turn)>();
        var failures = new ConcurrentBag<string>();
        var interrupted = 0;
        var clock = Stopwatch.StartNew();
        var switches = new List<UniqueKillSwitch>();
        var done = new List<Task>();
        for (var s = 0; s < sessions; s++)
        {
            // Callers do not all start talking at the same instant: session s starts s/K of a turn (about 7 s) later.
            var script = scripts[s % scripts.Count];
            var offset = Silence((int)(s * 350.0 / sessions));
            var (kill, completion) = Source.From(offset).Concat(Source.Cycle(() => script.AsEnumerable().GetEnumerator()))
                .Throttle(1, TimeSpan.FromMilliseconds(20), 1, ThrottleMode.Shaping)
                .ViaMaterialized(KillSwitches.Single<AudioFrame>(), Keep.Right)
                .Via(NodeFlow.Create(() => new SileroVadNode()))
                .Via(RemoteNode.Flow<object, object>("SpeechToText"))
                .Via(responder())
                .ToMaterialized(Sink.ForEach<object>(e =>
                {
                    if (e is TurnLatency turn)
                    {
                        latencies.Add((clock.Elapsed, turn));
                    }
                    else if (e is ReplyInterrupted)
                    {
                        Interlocked.Increment(ref interrupted);
                    }
                }), Keep.Both)
                .Run(system.Materializer());
            switches.Add(kill);
            done.Add(completion.ContinueWith(t => { if (t.IsFaulted) { failures.Add(t.Exception!.GetBaseException().Message); } }, TaskScheduler.Default));
        }

        var cpu = new CpuMeter(executor.ProcessId);
        await Task.Delay(warmup);
        cpu.Start();
        var measuredFrom = clock.Elapsed;
        await Task.Delay(duration);
        var (client, exec) = cpu.Stop();
        foreach (var kill in switches)
        {
            kill.Shutdown();
        }

        await Task.WhenAll(done).WaitAsync(TimeSpan.FromSeconds(30));
        var measured = latencies.Where(l => l.At >= measuredFrom).Select(l => l.Turn).ToList();
        output.WriteLine(
            $$"""{"kind":"voice-loop","sessions":{{sessions}},"seconds":{{duration.TotalSeconds:0}},"turns":{{measured.Count}},"firstAudio":{{Percentiles.Json(measured.Select(t => t.ToFirstAudio.TotalMilliseconds).ToList())}},"transcript":{{Percentiles.Json(measured.Select(t => t.ToTranscript.TotalMilliseconds).ToList())}},"interrupted":{{interrupted}},"cpuPercent":{"client":{{client:0.0}},"executor":{{exec:0.0}}},"failures":{{failures.Count}}{{(failures.IsEmpty ? "" : ",\"firstFailure\":\"" + failures.First().Replace("\"", "'", StringComparison.Ordinal) + "\"")}}}""");
    }

    private static AudioFrame[] Silence(int frames) =>
        Enumerable.Range(0, frames).Select(_ => new AudioFrame(new float[320], BenchAudio.Rate, 1)).ToArray();

    /// <summary>One session's microphone: sentence <paramref name="index"/> after 0.6 s of silence, then 3.4 s of silence, in 20 ms frames.</summary>
    private static AudioFrame[] Script(int index)
    {
        var audio = BenchAudio.Silence(0.6).Concat(BenchAudio.Say(BenchAudio.Sentences[index])).Concat(BenchAudio.Silence(3.4)).ToArray();
        return Enumerable.Range(0, audio.Length / 320)
            .Select(n => new AudioFrame(audio.AsMemory(n * 320, 320), BenchAudio.Rate, 1, n, TimeSpan.FromMilliseconds(20 * n)))
            .ToArray();
    }
}

using System.Diagnostics;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Remote;

namespace AkkaMedia.Host.Demo;

/// <summary>
/// The demo pipeline: source → Gain(0.8) → echo → Resample(16 kHz) → WAV file, with a voice-activity
/// detector observing the resampled frames beside the file writer.
/// </summary>
/// <remarks>
/// The echo stage is a plain flow so it can be swapped (for a remote stage, say) without touching
/// the rest of the graph; <see cref="LocalEcho"/> is the in-process default.
/// </remarks>
internal static class DemoPipeline
{
    /// <summary>Rate of the frames the detector sees and the file receives.</summary>
    public const int OutputSampleRate = 16000;

    /// <summary>Samples per frame of generated audio: 20 ms at 48 kHz.</summary>
    public const int SamplesPerFrame = 960;

    /// <summary>Rate of the generated audio.</summary>
    public const int GeneratedSampleRate = 48000;

    /// <summary>Delay of the echo stage.</summary>
    public static readonly TimeSpan EchoDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Decay of the echo stage.</summary>
    public const float EchoDecay = 0.5f;

    /// <summary>Gain applied before the echo.</summary>
    public const float Gain = 0.8f;

    /// <summary>The echo stage running in this process; materializable any number of times.</summary>
    public static Flow<AudioFrame, AudioFrame, NotUsed> LocalEcho() =>
        NodeFlow.Create(() => new EchoNode(EchoDelay, EchoDecay));

    /// <summary>
    /// The echo stage on an executor of the cluster the materializing system belongs to (the built-in
    /// node type <c>Echo</c>); materializable any number of times, one session each.
    /// </summary>
    public static Flow<AudioFrame, AudioFrame, NotUsed> RemoteEcho() =>
        RemoteNode.Flow<AudioFrame, AudioFrame>(
            "Echo",
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"delay = {EchoDelay.TotalMilliseconds}ms, decay = {EchoDecay}"));

    /// <summary>
    /// Runs the pipeline once. Completes when the file is written; fails with the first stage's error
    /// (a <see cref="NodeException"/> naming the node) or with <see cref="OperationCanceledException"/>
    /// when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static async Task<DemoReport> RunAsync(
        DemoOptions options,
        IMaterializer materializer,
        Flow<AudioFrame, AudioFrame, NotUsed> echo,
        CancellationToken cancellationToken)
    {
        var tally = Sink.Aggregate<AudioFrame, AudioTally>(AudioTally.Empty, static (t, f) => t.Add(f));
        var vad = NodeFlow.Create(() => new VadNode())
            .ToMaterialized(
                Sink.Aggregate<VadDecision, (long Speech, long Silence)>(
                    (0L, 0L),
                    static (c, d) => d.IsSpeech ? (c.Speech + 1, c.Silence) : (c.Speech, c.Silence + 1)),
                Keep.Right);

        var started = Stopwatch.GetTimestamp();
        var (((killSwitch, framesIn), decisions), framesOut) = CreateSource(options)
            .ViaMaterialized(KillSwitches.Single<AudioFrame>(), Keep.Right)
            .AlsoToMaterialized(tally, Keep.Both)
            .Via(NodeFlow.Create(() => new GainNode(Gain)))
            .Via(echo)
            .Via(NodeFlow.Create(() => new ResampleNode(OutputSampleRate)))
            .AlsoToMaterialized(vad, Keep.Both)
            .Via(NodeFlow.Create(() => new WavFileSink(options.Output, WavSampleFormat.Pcm16)))
            .ToMaterialized(tally, Keep.Both)
            .Run(materializer);

        await using var registration = cancellationToken.Register(() => killSwitch.Abort(new OperationCanceledException(cancellationToken)));

        // A failing branch only cancels its own side of a broadcast; stop the whole graph instead.
        Task[] ends = [framesIn, decisions, framesOut];
        foreach (var end in ends)
        {
            _ = end.ContinueWith(
                static (task, state) => ((UniqueKillSwitch)state!).Abort(task.Exception!.GetBaseException()),
                killSwitch,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        await Task.WhenAll(ends).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(started);

        var (input, output, (speech, silence)) = (framesIn.Result, framesOut.Result, decisions.Result);
        return new DemoReport(
            input.Frames, input.Duration, input.Format,
            output.Frames, output.Duration, output.Format,
            speech, silence, wall);
    }

    private static Source<AudioFrame, NotUsed> CreateSource(DemoOptions options) =>
        options.Input is { } input
            ? NodeFlow.CreateSource(() => new WavFileSource(input, SamplesPerFrame))
            : NodeFlow.CreateSource(() => new SpeechLikeSource(options.Duration, GeneratedSampleRate, SamplesPerFrame, options.Seed));
}

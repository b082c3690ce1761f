using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The load: 20 ms of 48 kHz mono float audio per frame. The samples are built once and shared by
/// every frame (a frame never changes its samples); each frame only carries its own sequence number.
/// </summary>
internal static class LoadTestFrames
{
    public const int SampleRate = 48_000;
    public const int SamplesPerFrame = 960;

    /// <summary>Sample bytes per frame (the serializer adds a 28-byte header).</summary>
    public const int FrameBytes = SamplesPerFrame * sizeof(float);

    /// <summary>Real-time pace of one stream: 50 frames per second.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private static readonly ReadOnlyMemory<float> Samples = Enumerable.Range(0, SamplesPerFrame)
        .Select(static i => (float)Math.Sin(2 * Math.PI * 440 * i / SampleRate) * 0.5f)
        .ToArray();

    /// <summary>Frame number <paramref name="sequence"/> of a stream, stamped with its media time.</summary>
    public static AudioFrame Create(long sequence) =>
        new(Samples, SampleRate, 1, sequence, TimeSpan.FromTicks(sequence * Interval.Ticks));

    /// <summary>The remote stage under test: <c>PassThrough</c> on the executor over <paramref name="transport"/>.</summary>
    public static Flow<AudioFrame, AudioFrame, NotUsed> PassThrough(RemoteTransport transport) =>
        RemoteNode.Flow<AudioFrame, AudioFrame>("PassThrough", options: new RemoteStageOptions { Transport = transport });
}

using Akka.Actor;
using AkkaMedia.Frames;
using AkkaMedia.Serialization;
using BenchmarkDotNet.Attributes;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// Cost of sending one 20 ms mono 48 kHz audio frame (960 samples) through <see cref="FrameSerializer"/>.
/// Target: a round trip under 1 µs, and ≤ 0.3 µs since issue 15 (docs/benchmarks.md, "Local stages and the frame serializer").
/// </summary>
/// <remarks>Not sealed: BenchmarkDotNet generates a type deriving from each benchmark class.</remarks>
[MemoryDiagnoser]
public class FrameSerializerBenchmarks
{
    private ActorSystem _system = null!;
    private FrameSerializer _serializer = null!;
    private AudioFrame _frame = null!;
    private string _manifest = null!;
    private byte[] _bytes = null!;
    private byte[] _linkBuffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("frame-serializer-bench", "akka.loglevel = WARNING");
        _serializer = new FrameSerializer((ExtendedActorSystem)_system);
        var samples = new float[960];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.5f * MathF.Sin(2 * MathF.PI * 440 * i / 48_000f);
        }

        _frame = new AudioFrame(samples, 48_000, 1, sequence: 1, timestamp: TimeSpan.FromMilliseconds(20));
        _manifest = _serializer.Manifest(_frame);
        _bytes = _serializer.ToBinary(_frame);
        _linkBuffer = new byte[FrameSerializer.AudioLength(_frame)];
    }

    [GlobalCleanup]
    public void Cleanup() => _system.Terminate().Wait();

    [Benchmark(Baseline = true)]
    public object RoundTrip() => _serializer.FromBinary(_serializer.ToBinary(_frame), _manifest);

    [Benchmark]
    public byte[] Serialize() => _serializer.ToBinary(_frame);

    [Benchmark]
    public object Deserialize() => _serializer.FromBinary(_bytes, _manifest);

    /// <summary>
    /// The media link's path: the frame written into the (reused) send buffer, read from the receive buffer into a
    /// pooled frame, which its last owner releases. <see cref="RoundTrip"/> is the Akka.Remote/StreamRefs path.
    /// </summary>
    [Benchmark]
    public long LinkRoundTrip()
    {
        FrameSerializer.WriteAudio(_frame, _linkBuffer);
        var frame = FrameSerializer.ReadAudio(_linkBuffer);
        var sequence = frame.Sequence;
        frame.Release();
        return sequence;
    }
}

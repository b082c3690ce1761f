using System.Buffers;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// An energy-based voice-activity detector: emits one <see cref="VadDecision"/> per audio frame,
/// speech when the frame's mean energy reaches a threshold.
/// </summary>
/// <remarks>
/// <para>Energy is the mean square of all samples of the frame (all channels), in dBFS, floored at
/// <see cref="FloorDb"/>. After a frame at or above the threshold, frames below it are still called
/// speech until <see cref="Hangover"/> of media time (counted in frame durations) has passed, which
/// bridges short pauses between syllables.</para>
/// <para>One decision per input, carrying the input's sequence number and timestamp; frames of any
/// format may follow each other. The node holds no audio and emits nothing at end of stream.</para>
/// <para>Stateful (<see cref="IStatefulNode"/>): the state is the hangover left.</para>
/// </remarks>
public sealed class VadNode : Node<AudioFrame, VadDecision>, IStatefulNode
{
    /// <summary>The energy reported for digital silence and the lowest accepted threshold, in dBFS.</summary>
    public const float FloorDb = -120f;

    /// <summary>The hangover used when none is given: 100 ms.</summary>
    public static readonly TimeSpan DefaultHangover = TimeSpan.FromMilliseconds(100);

    /// <summary>Version of the state <see cref="SaveState"/> writes.</summary>
    private const byte StateVersion = 1;

    private TimeSpan _hangoverLeft;

    /// <summary>Creates the node.</summary>
    /// <param name="thresholdDb">Energy in dBFS at or above which a frame is speech; between <see cref="FloorDb"/> and 0.</param>
    /// <param name="hangover">How long decisions stay speech after the energy falls below the threshold; zero or positive, <see cref="DefaultHangover"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="thresholdDb"/> is NaN or outside <see cref="FloorDb"/>..0, or <paramref name="hangover"/> is negative.
    /// </exception>
    public VadNode(float thresholdDb = -40f, TimeSpan? hangover = null)
    {
        if (!(thresholdDb >= FloorDb && thresholdDb <= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(thresholdDb), thresholdDb, $"The threshold must be between {FloorDb} and 0 dBFS.");
        }

        var hang = hangover ?? DefaultHangover;
        if (hang < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(hangover), hang, "The hangover must not be negative.");
        }

        ThresholdDb = thresholdDb;
        Hangover = hang;
    }

    /// <summary>Energy in dBFS at or above which a frame is speech.</summary>
    public float ThresholdDb { get; }

    /// <summary>How long decisions stay speech after the energy falls below the threshold.</summary>
    public TimeSpan Hangover { get; }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<VadDecision> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var energyDb = EnergyDb(input.Samples.Span);
        bool isSpeech;
        if (energyDb >= ThresholdDb)
        {
            isSpeech = true;
            _hangoverLeft = Hangover;
        }
        else if (_hangoverLeft > TimeSpan.Zero)
        {
            isSpeech = true;
            _hangoverLeft -= input.Duration;
        }
        else
        {
            isSpeech = false;
        }

        output.Emit(new VadDecision(isSpeech, energyDb, input.Sequence, input.Timestamp));
    }

    private static float EnergyDb(ReadOnlySpan<float> samples)
    {
        if (samples.IsEmpty)
        {
            return FloorDb;
        }

        var meanSquare = SampleMath.SumOfSquares(samples) / samples.Length;
        var db = 10 * Math.Log10(meanSquare);
        return double.IsNaN(db) || db < FloorDb ? FloorDb : (float)db;
    }

    /// <inheritdoc />
    public void SaveState(IBufferWriter<byte> destination)
    {
        var writer = new NodeStateWriter(destination);
        writer.WriteVersion(StateVersion);
        writer.WriteTimeSpan(_hangoverLeft);
    }

    /// <inheritdoc />
    public void RestoreState(ReadOnlySpan<byte> state)
    {
        var reader = new NodeStateReader(state, Name);
        reader.ReadVersion(StateVersion);
        var hangoverLeft = reader.ReadTimeSpan();
        reader.ReadEnd();
        if (hangoverLeft > Hangover)
        {
            throw reader.Invalid($"its hangover left ({hangoverLeft.TotalMilliseconds:0.###} ms) exceeds this node's hangover ({Hangover.TotalMilliseconds:0.###} ms); it was saved with another hangover");
        }

        _hangoverLeft = hangoverLeft;
    }
}

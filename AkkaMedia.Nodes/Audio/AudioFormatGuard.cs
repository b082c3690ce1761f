using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Remembers the format (sample rate, channel count) of the first frame a stateful node saw and
/// refuses later frames in another format with a <see cref="FrameFormatException"/> naming the node.
/// </summary>
internal sealed class AudioFormatGuard
{
    private readonly string _nodeName;

    public AudioFormatGuard(string nodeName) => _nodeName = nodeName;

    /// <summary>True once the first frame fixed the format.</summary>
    public bool IsFixed { get; private set; }

    /// <summary>Sample rate of the stream; valid when <see cref="IsFixed"/>.</summary>
    public int SampleRate { get; private set; }

    /// <summary>Channel count of the stream; valid when <see cref="IsFixed"/>.</summary>
    public int Channels { get; private set; }

    /// <summary>The fixed format in the words of <see cref="AudioFrame.Format"/>.</summary>
    public string Format => $"{SampleRate} Hz, {Channels} ch";

    /// <summary>
    /// Fixes the format on the first call and returns true then; afterwards returns false, or throws
    /// when <paramref name="frame"/> is in another format.
    /// </summary>
    /// <exception cref="FrameFormatException">The frame's format differs from the first frame's.</exception>
    public bool Check(AudioFrame frame)
    {
        if (!IsFixed)
        {
            SampleRate = frame.SampleRate;
            Channels = frame.Channels;
            IsFixed = true;
            return true;
        }

        if (frame.SampleRate != SampleRate || frame.Channels != Channels)
        {
            throw new FrameFormatException(_nodeName, Format, frame.Format);
        }

        return false;
    }

    /// <summary>Writes whether the format is fixed, and which: the first fields of a stateful node's state.</summary>
    public void Save(NodeStateWriter writer)
    {
        writer.WriteBoolean(IsFixed);
        writer.WriteInt32(SampleRate);
        writer.WriteInt32(Channels);
    }

    /// <summary>Reads what <see cref="Save"/> wrote, checking it could be a format; apply it with <see cref="Restore"/>.</summary>
    /// <exception cref="InvalidDataException">A fixed format with a rate or channel count that is not positive.</exception>
    public static (bool IsFixed, int SampleRate, int Channels) Read(ref NodeStateReader reader)
    {
        var isFixed = reader.ReadBoolean();
        var sampleRate = reader.ReadInt32();
        var channels = reader.ReadInt32();
        if (isFixed && (sampleRate <= 0 || channels <= 0))
        {
            throw reader.Invalid($"its audio format ({sampleRate} Hz, {channels} ch) is impossible");
        }

        return (isFixed, sampleRate, channels);
    }

    /// <summary>Puts back a format read with <see cref="Read"/>.</summary>
    public void Restore((bool IsFixed, int SampleRate, int Channels) format)
    {
        IsFixed = format.IsFixed;
        SampleRate = format.IsFixed ? format.SampleRate : 0;
        Channels = format.IsFixed ? format.Channels : 0;
    }
}

namespace AkkaMedia.Host.Edge;

/// <summary>The audio format a client negotiated, the same both ways: samples per second per channel and interleaved channels.</summary>
internal sealed record ClientAudioFormat(int SampleRate, int Channels)
{
    /// <summary>Sample frames (samples per channel) in one 20 ms packet, the unit the edge sends and counts in.</summary>
    public int PacketFrames => SampleRate / 50;

    /// <summary>Interleaved samples in one 20 ms packet.</summary>
    public int PacketSamples => PacketFrames * Channels;
}

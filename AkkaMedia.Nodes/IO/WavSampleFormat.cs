namespace AkkaMedia.Nodes.IO;

/// <summary>How <see cref="WavFileSink"/> stores samples.</summary>
public enum WavSampleFormat
{
    /// <summary>16-bit signed integer PCM: half the bytes of float; samples are rounded to the nearest k/32768 (ties to even) and clamped to -1..32767/32768.</summary>
    Pcm16 = 0,

    /// <summary>32-bit IEEE float: every sample stored bit for bit, including values outside -1..1.</summary>
    Float32 = 1,
}

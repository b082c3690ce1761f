namespace AkkaMedia.Diagnostics;

/// <summary>One of the four totals a <see cref="StreamCounters"/> keeps.</summary>
internal enum StreamCounter
{
    FramesIn,
    FramesOut,
    BytesIn,
    BytesOut,
}

using System.ComponentModel;

namespace AkkaMedia.Diagnostics;

/// <summary>One of the four totals a <see cref="StreamCounters"/> keeps.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public enum StreamCounter
{
    /// <summary>Elements into the node (or sent, on a client).</summary>
    FramesIn,
    /// <summary>Elements out of the node (or received, on a client).</summary>
    FramesOut,
    /// <summary>Payload bytes of the elements in.</summary>
    BytesIn,
    /// <summary>Payload bytes of the elements out.</summary>
    BytesOut,
}

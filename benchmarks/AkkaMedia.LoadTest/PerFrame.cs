namespace AkkaMedia.LoadTest;

/// <summary>What one frame round trip cost on average over a measured window.</summary>
/// <param name="ClientAllocatedBytes">Bytes the driver allocated (sending, receiving and its own bookkeeping).</param>
/// <param name="ExecutorAllocatedBytes">Bytes the executor allocated (receiving, the node, sending back).</param>
/// <param name="ClientContextSwitches">Driver context switches: thread hops that parked a thread.</param>
/// <param name="ExecutorContextSwitches">Executor context switches.</param>
/// <param name="TcpSegments">TCP segments sent machine-wide, both directions: about the socket writes per frame (1/frames coalesced per write).</param>
internal sealed record PerFrame(
    long ClientAllocatedBytes,
    long ExecutorAllocatedBytes,
    double ClientContextSwitches,
    double ExecutorContextSwitches,
    double TcpSegments);

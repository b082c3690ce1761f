namespace AkkaMedia.LoadTest;

/// <summary>One full-speed run of the throughput scenario.</summary>
/// <param name="FramesPerSecond">Frames back from the executor per second over the measured window (after the first frame returned).</param>
/// <param name="FramesSent">Frames sent over the whole run.</param>
/// <param name="FramesReceived">Frames back over the whole run.</param>
/// <param name="FramesLost">Sent minus received once the stream completed.</param>
/// <param name="OutOfOrder">Frames that did not follow their predecessor.</param>
/// <param name="ClientCpuPercent">Driver CPU over the window, % of one core.</param>
/// <param name="ExecutorCpuPercent">Executor CPU over the window, % of one core.</param>
/// <param name="PerFrame">Allocations, context switches and TCP segments per frame round trip over the window.</param>
/// <param name="ClientCollections">Driver GCs over the window, gen0/gen1/gen2.</param>
/// <param name="ExecutorCollections">Executor GCs over the window, gen0/gen1/gen2.</param>
/// <param name="Runtime">Compilation and GC pauses over the window.</param>
internal sealed record ThroughputRun(
    double FramesPerSecond,
    long FramesSent,
    long FramesReceived,
    long FramesLost,
    long OutOfOrder,
    double ClientCpuPercent,
    double ExecutorCpuPercent,
    PerFrame PerFrame,
    string ClientCollections,
    string ExecutorCollections,
    RuntimeCost Runtime);

namespace AkkaMedia.LoadTest;

/// <summary>Runtime work inside a measured window that is not the stream's own: compiling code and garbage collection pauses.</summary>
/// <param name="ClientJitMs">Milliseconds the driver spent compiling (tiering up included); well above 0 means the window was not warm.</param>
/// <param name="ExecutorJitMs">Milliseconds the executor spent compiling.</param>
/// <param name="ClientGcPauseMs">Milliseconds the driver's threads were paused by garbage collections.</param>
/// <param name="ExecutorGcPauseMs">Milliseconds the executor's threads were paused by garbage collections.</param>
internal sealed record RuntimeCost(double ClientJitMs, double ExecutorJitMs, double ClientGcPauseMs, double ExecutorGcPauseMs);

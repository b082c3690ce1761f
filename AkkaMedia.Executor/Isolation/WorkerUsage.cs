namespace AkkaMedia.Executor.Isolation;

/// <summary>What a worker process uses right now.</summary>
/// <param name="MemoryBytes">Resident memory of the worker and its children, in bytes.</param>
/// <param name="CpuTime">CPU time used so far, user and system, by the worker and its children.</param>
internal readonly record struct WorkerUsage(long MemoryBytes, TimeSpan CpuTime);

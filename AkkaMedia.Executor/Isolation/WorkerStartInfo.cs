namespace AkkaMedia.Executor.Isolation;

/// <summary>What one worker process needs: its id, its command line after the worker assembly, and what it may see.</summary>
/// <param name="WorkerId">Unique on this executor; names the worker's cgroups, folders and log events. Letters, digits, '-', '_' and '.' only.</param>
/// <param name="Arguments">Arguments after <c>dotnet AkkaMedia.Worker.dll</c>.</param>
/// <param name="ReadOnlyPaths">Host folders or files the worker may read, at the same path inside its sandbox (the package's files).</param>
/// <param name="WritablePaths">Host folders the worker may write, at the same path inside its sandbox (its scratch folder, its socket's folder).</param>
/// <param name="Owner">Who the worker works for, as exit messages name it ("session 42"); null: "worker &lt;id&gt;".</param>
/// <param name="Background">
/// A warm worker started ahead of demand: it starts at the lowest CPU priority (<see cref="WarmPriority"/>), so that its
/// start-up takes only the CPU live sessions leave, until <see cref="WorkerProcess.Prioritize"/> returns it to normal
/// priority when a session takes it.
/// </param>
internal sealed record WorkerStartInfo(string WorkerId, IReadOnlyList<string> Arguments, IReadOnlyList<string> ReadOnlyPaths, IReadOnlyList<string> WritablePaths, string? Owner = null, bool Background = false);

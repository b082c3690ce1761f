using Akka.Configuration;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The settings the worker pool reads: whether shipped code runs in worker processes
/// (<c>akka-media.executor.isolation</c>) and how the pool starts them (<c>akka-media.executor.workers</c>).
/// </summary>
/// <param name="Process">True when <c>isolation = process</c>: remote objects and shipped nodes run in worker processes.</param>
/// <param name="Warm">Workers started ahead of any session (<c>workers.warm</c>), so that opening one does not wait for a process to start.</param>
/// <param name="StartTimeout">How long a worker may take to connect and report ready (<c>workers.start-timeout</c>).</param>
/// <param name="WorkerAssembly">The worker's assembly (<c>workers.path</c>); empty: <c>AkkaMedia.Worker.dll</c> beside the executor's assemblies.</param>
/// <param name="Folder">Where the workers' folders (socket, scratch, package copy) go (<c>workers.folder</c>); empty: the temporary folder.</param>
internal sealed record WorkerPoolSettings(bool Process, int Warm, TimeSpan StartTimeout, string WorkerAssembly, string Folder)
{
    /// <summary>The configuration key of the isolation level.</summary>
    public const string IsolationKey = "akka-media.executor.isolation";

    /// <summary>Reads the settings from <paramref name="config"/>; a missing key takes its documented default.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message names the key and the fix.</exception>
    public static WorkerPoolSettings Create(Config config)
    {
        var isolation = config.GetString(IsolationKey, "in-process");
        var process = isolation switch
        {
            "process" => true,
            "in-process" => false,
            _ => throw new ArgumentException($"{IsolationKey} = '{isolation}' is not an isolation level; use in-process or process."),
        };
        var warm = config.GetInt("akka-media.executor.workers.warm", 2);
        if (warm is < 0 or > 64)
        {
            throw new ArgumentException($"akka-media.executor.workers.warm = {warm} is out of range; use 0 (start a worker per session on demand) to 64.");
        }

        var startTimeout = config.GetTimeSpan("akka-media.executor.workers.start-timeout", TimeSpan.FromSeconds(10), allowInfinite: false);
        if (startTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"akka-media.executor.workers.start-timeout = {startTimeout} must be positive.");
        }

        var folder = config.GetString("akka-media.executor.workers.folder", string.Empty);
        return new WorkerPoolSettings(process, warm, startTimeout, config.GetString("akka-media.executor.workers.path", string.Empty),
            string.IsNullOrEmpty(folder) ? Path.Combine(Path.GetTempPath(), "akka-media-workers") : folder);
    }
}

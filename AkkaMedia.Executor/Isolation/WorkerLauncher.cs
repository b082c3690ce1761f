using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// Starts worker processes: <c>dotnet AkkaMedia.Worker.dll ARGS</c>, with the runtime this executor runs on.
/// </summary>
/// <remarks>Thread-safe.</remarks>
internal sealed class WorkerLauncher : IDisposable
{
    private readonly string _dotnet;
    private readonly string _workerAssembly;

    private WorkerLauncher(string dotnet, string workerAssembly)
    {
        _dotnet = dotnet;
        _workerAssembly = workerAssembly;
    }

    /// <summary>
    /// A launcher for workers whose assembly is <paramref name="workerAssembly"/> (empty: <c>AkkaMedia.Worker.dll</c>
    /// beside this executor's assemblies).
    /// </summary>
    /// <exception cref="FileNotFoundException">The worker assembly or the <c>dotnet</c> host is not there.</exception>
    public static WorkerLauncher Create(string workerAssembly = "")
    {
        var path = string.IsNullOrEmpty(workerAssembly) ? Path.Combine(AppContext.BaseDirectory, "AkkaMedia.Worker.dll") : Path.GetFullPath(workerAssembly);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The worker assembly {path} is missing: reference the AkkaMedia.Worker project from the application that runs the executor, or set akka-media.executor.workers.path.", path);
        }

        return new WorkerLauncher(DotnetHost(), path);
    }

    /// <summary>Starts a worker; it runs until it ends by itself or is killed.</summary>
    public WorkerProcess Start(WorkerStartInfo info)
    {
        var start = new ProcessStartInfo(_dotnet)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        start.ArgumentList.Add(_workerAssembly);
        foreach (var argument in info.Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"The worker process {info.WorkerId} did not start.");
        return new WorkerProcess(info.WorkerId, process);
    }

    public void Dispose()
    {
    }

    /// <summary>The <c>dotnet</c> host of the runtime this process runs on.</summary>
    internal static string DotnetHost()
    {
        // <root>/shared/Microsoft.NETCore.App/<version>/ → <root>/dotnet
        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtime)));
        var host = root is null ? null : Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        if (host is null || !File.Exists(host))
        {
            throw new FileNotFoundException($"The dotnet host of this runtime ({runtime}) was not found; worker processes need it.", host);
        }

        return host;
    }
}

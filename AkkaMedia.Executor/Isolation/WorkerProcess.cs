using System.Diagnostics;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// One running worker process, as its launcher started it. <see cref="Exited"/> completes once the process (and
/// everything it started) is gone; <see cref="Kill"/> ends it for a reason that <see cref="Exited"/> then reports.
/// </summary>
/// <remarks>Thread-safe. Disposing kills a worker that still runs and releases what the launcher made for it.</remarks>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<WorkerExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerKillReason? _killedFor;
    private string? _killMessage;
    private int _disposed;

    /// <summary>Wraps <paramref name="process"/>, which has started.</summary>
    public WorkerProcess(string workerId, Process process)
    {
        WorkerId = workerId;
        _process = process;
        Pid = process.Id;
        _process.EnableRaisingEvents = true;
        _process.Exited += (_, _) => OnExited();
        if (_process.HasExited)
        {
            OnExited();
        }
    }

    /// <summary>The worker's id on this executor.</summary>
    public string WorkerId { get; }

    /// <summary>The process id of the worker (the host's view).</summary>
    public int Pid { get; }

    /// <summary>Completes once the worker has ended, with how.</summary>
    public Task<WorkerExit> Exited => _exited.Task;

    /// <summary>Ends the worker and everything it started; <see cref="Exited"/> reports <paramref name="reason"/> and <paramref name="message"/>. Idempotent: the first reason wins.</summary>
    public void Kill(WorkerKillReason reason, string message)
    {
        lock (_exited)
        {
            if (_killedFor is null)
            {
                _killedFor = reason;
                _killMessage = message;
            }
        }

        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>What the worker uses now; zero once it has ended.</summary>
    public WorkerUsage Usage()
    {
        try
        {
            _process.Refresh();
            return new WorkerUsage(_process.WorkingSet64, _process.TotalProcessorTime);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Kill(WorkerKillReason.SessionEnded, "The session has ended.");
            _process.Dispose();
        }
    }

    private void OnExited()
    {
        int code;
        try
        {
            code = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            code = -1;
        }

        lock (_exited)
        {
            _exited.TrySetResult(new WorkerExit(code, _killedFor, _killMessage ?? $"The worker process {WorkerId} (pid {Pid}) exited with code {code}."));
        }
    }
}

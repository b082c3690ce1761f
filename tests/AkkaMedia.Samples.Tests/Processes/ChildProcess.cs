using System.Diagnostics;
using System.Text;

namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>
/// A process started by a spec, with its standard output and error captured line by line. Disposing
/// kills it and everything it started if it is still running, so a failed or timed-out spec leaves
/// nothing behind: always use it with <c>await using</c>.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiters = [];
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process, string description)
    {
        _process = process;
        Description = description;
    }

    /// <summary>The command line, for failure messages.</summary>
    public string Description { get; }

    /// <summary>The process id, e.g. to send it a signal.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended (exited or killed).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything written to standard output so far.</summary>
    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    /// <summary>Everything written to standard error so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>dotnet exec <paramref name="dll"/> <paramref name="args"/></c> with the same .NET host
    /// that runs the specs, in <paramref name="workingDirectory"/>.
    /// </summary>
    public static ChildProcess StartDll(string dll, IEnumerable<string> args, string workingDirectory)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process, $"dotnet exec {Path.GetFileName(dll)} {string.Join(' ', info.ArgumentList.Skip(2))}");
        process.OutputDataReceived += (_, e) => child.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnStderr(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Completes with the first line of standard output (already written or to come) that
    /// <paramref name="match"/> accepts.
    /// </summary>
    /// <exception cref="TimeoutException">No such line within <paramref name="timeout"/>; the message holds the output so far.</exception>
    /// <exception cref="InvalidOperationException">The process closed its output (exited) first.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var earlier = _stdout.ToString().Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(match);
            if (earlier is not null)
            {
                return earlier;
            }

            if (_stdoutClosed.Task.IsCompleted)
            {
                throw new InvalidOperationException($"{Description} exited before printing the expected line.\n{this}");
            }

            _waiters.Add((match, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Description} did not print the expected line within {timeout.TotalSeconds:0} s.\n{this}");
        }
    }

    /// <summary>
    /// Waits for the process to exit and for its output to be read to the end; returns the exit code.
    /// Kills the process tree when it does not exit within <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="TimeoutException">It did not exit in time (it has been killed); the message holds its output.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
            throw new TimeoutException($"{Description} did not exit within {timeout.TotalSeconds:0} s and was killed.\n{this}");
        }

        return _process.ExitCode;
    }

    /// <summary>Kills the process and everything it started, if it is still running.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    /// <summary>The command line and the captured output, for assertion messages.</summary>
    public override string ToString() => $"--- {Description}\n--- stdout:\n{Stdout}--- stderr:\n{Stderr}---";

    private static string DotnetHost()
    {
        // The dotnet CLI names itself to the processes it starts; a test host started by `dotnet exec` is dotnet itself.
        var fromCli = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromCli) && File.Exists(fromCli))
        {
            return fromCli;
        }

        var current = Environment.ProcessPath;
        return current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? current
            : "dotnet";
    }

    private async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cancellation.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone: nothing to kill.
        }
        catch (OperationCanceledException)
        {
            // Killed, but its output did not close within 10 s (a grandchild holding it); nothing more to do.
        }
    }

    private void OnStdout(string? line)
    {
        List<TaskCompletionSource<string>> found = [];
        List<TaskCompletionSource<string>> orphaned = [];
        lock (_gate)
        {
            if (line is null)
            {
                _stdoutClosed.TrySetResult();
                orphaned.AddRange(_waiters.Select(w => w.Found));
                _waiters.Clear();
            }
            else
            {
                _stdout.Append(line).Append('\n');
                foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
                {
                    _waiters.Remove(waiter);
                    found.Add(waiter.Found);
                }
            }
        }

        found.ForEach(f => f.TrySetResult(line!));
        orphaned.ForEach(o => o.TrySetException(new InvalidOperationException($"{Description} exited before printing the expected line.\n{this}")));
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _stderr.Append(line).Append('\n');
        }
    }
}

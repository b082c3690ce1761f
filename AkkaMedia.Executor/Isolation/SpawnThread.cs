using System.Collections.Concurrent;
using System.Diagnostics;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// Starts worker processes from one dedicated thread that lives as long as the executor's process.
/// </summary>
/// <remarks>
/// bubblewrap's <c>--die-with-parent</c> is <c>PR_SET_PDEATHSIG</c>, and the kernel takes the "parent" to be the thread that
/// forked the process, not its process: a worker started from a thread-pool thread was SIGKILLed (exit 137) whenever the
/// pool retired that thread. Forking from a thread that never ends keeps the signal for what it is meant for, the
/// executor's death. Thread-safe.
/// </remarks>
internal static class SpawnThread
{
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = [];

    static SpawnThread()
    {
        new Thread(Run) { IsBackground = true, Name = "akka-media-worker-spawner" }.Start();
    }

    /// <summary>Starts <paramref name="start"/> on the spawner thread and returns the started process.</summary>
    /// <exception cref="InvalidOperationException">The process did not start.</exception>
    public static Process Start(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task.GetAwaiter().GetResult();
    }

    private static void Run()
    {
        foreach (var (start, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start."));
            }
            catch (Exception e)
            {
                started.SetException(e);
            }
        }
    }
}

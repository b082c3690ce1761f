using System.Globalization;
using System.Runtime.InteropServices;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The lowest CPU priority for warm workers: a worker started ahead of demand starts at nice 19, so that its start-up
/// (the runtime's start, compiling the worker's code: about a CPU-second) runs on CPU that live sessions leave; when a
/// session takes it, every thread of its processes returns to nice 0.
/// </summary>
/// <remarks>
/// Threads inherit the nice value of the thread that creates them, so a process started at nice 19 is niced in every
/// thread it will have, and one moved back before it runs a session creates its later threads at nice 0. Raising a
/// priority needs privilege: only an executor running as root starts warm workers niced (otherwise they start at normal
/// priority, as before). <c>SCHED_IDLE</c> does not fit: the C library caches a thread's policy and hands the stale one
/// to the threads it creates, so a worker moved back to <c>SCHED_OTHER</c> from outside still creates idle threads.
/// </remarks>
internal static class WarmPriority
{
    private const int Lowest = 19;
    private const int PrioProcess = 0;

    /// <summary>The <c>nice</c> executable when this executor can move workers back (Linux, root), else null.</summary>
    public static string? Nice { get; } = OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess
        ? new[] { "/usr/bin/nice", "/bin/nice" }.FirstOrDefault(File.Exists)
        : null;

    /// <summary><paramref name="command"/> run at nice 19, or unchanged where warm workers cannot be niced.</summary>
    public static IReadOnlyList<string> Wrap(IReadOnlyList<string> command) =>
        Nice is null ? command : [Nice, "-n", Lowest.ToString(CultureInfo.InvariantCulture), .. command];

    /// <summary>
    /// Moves every thread of <paramref name="pids"/> with a nice value above 0 back to 0, passing over them again while a
    /// pass still found one (a thread may have been created meanwhile by one not yet moved).
    /// </summary>
    /// <returns>Threads moved; threads that ended meanwhile are skipped.</returns>
    /// <exception cref="IOException">A thread could not be moved.</exception>
    public static int Restore(IEnumerable<int> pids)
    {
        var moved = 0;
        var processes = pids.ToArray();
        for (var pass = 0; pass < 5; pass++)
        {
            var found = 0;
            foreach (var pid in processes)
            {
                foreach (var tid in Threads(pid))
                {
                    if (NiceOf(tid) <= 0)
                    {
                        continue;
                    }

                    found++;
                    if (SetPriority(PrioProcess, tid, 0) == 0)
                    {
                        moved++;
                    }
                    else if (Marshal.GetLastPInvokeError() is var error && error != 3)
                    {
                        throw new IOException($"Thread {tid} of process {pid} could not return to nice 0 (errno {error}).");
                    }
                }
            }

            if (found == 0)
            {
                break;
            }
        }

        return moved;
    }

    /// <summary>The nice value of thread (or process) <paramref name="tid"/>; 0 when it is gone or cannot be read.</summary>
    public static int NiceOf(int tid)
    {
        try
        {
            // Field 19 of stat: nice.
            var fields = ProcessTree.StatFields($"/proc/{tid.ToString(CultureInfo.InvariantCulture)}");
            return int.Parse(fields[19 - 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The thread ids of process <paramref name="pid"/> now; empty when it is gone or <c>/proc</c> cannot be read.</summary>
    internal static IEnumerable<int> Threads(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return tasks.Select(static t => int.TryParse(Path.GetFileName(t), NumberStyles.None, CultureInfo.InvariantCulture, out var tid) ? tid : 0).Where(static t => t > 0);
    }

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);
}

using System.Runtime.InteropServices;

namespace AkkaMedia.Host.Tests.Operations;

/// <summary>Sends POSIX signals to processes a spec started (Process.Kill is SIGKILL; a graceful stop needs SIGTERM).</summary>
internal static class ProcessSignal
{
    private const int SigTerm = 15;

    /// <summary>Sends SIGTERM to process <paramref name="pid"/>.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent (no such process); the message has the error number.</exception>
    public static void Terminate(int pid)
    {
        if (Kill(pid, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

using System.Globalization;
using System.Runtime.InteropServices;

namespace AkkaMedia.LoadTest;

/// <summary>
/// Operating-system counters that explain where time goes, read on Linux only (0 elsewhere): context
/// switches of this process (every thread hop that parks a thread shows here) and TCP segments sent
/// on the whole machine (on loopback with NoDelay, about one per socket write).
/// </summary>
internal static partial class LinuxCounters
{
    private const int RusageSelf = 0;

    /// <summary>Voluntary + involuntary context switches of all threads of this process, finished ones included.</summary>
    public static long ContextSwitches()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        return GetRusage(RusageSelf, out var usage) == 0 ? usage.VoluntarySwitches + usage.InvoluntarySwitches : 0;
    }

    /// <summary>TCP segments sent by this machine so far (<c>/proc/net/snmp</c>, <c>Tcp: OutSegs</c>); loopback traffic counts once per direction.</summary>
    public static long TcpSegmentsSent()
    {
        if (!File.Exists("/proc/net/snmp"))
        {
            return 0;
        }

        var lines = File.ReadAllLines("/proc/net/snmp").Where(static l => l.StartsWith("Tcp:", StringComparison.Ordinal)).ToArray();
        if (lines.Length < 2)
        {
            return 0;
        }

        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(names, "OutSegs");
        return index > 0 && index < values.Length ? long.Parse(values[index], CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>The 1-minute load average of the machine (other work competing for the cores); 0 where unknown.</summary>
    public static double LoadAverage()
    {
        if (!File.Exists("/proc/loadavg"))
        {
            return 0;
        }

        var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : 0;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out Rusage usage);

    /// <summary>Linux x86-64/arm64 <c>struct rusage</c>: two timevals, then fourteen longs.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentSet;
        public long SharedMemory;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }
}

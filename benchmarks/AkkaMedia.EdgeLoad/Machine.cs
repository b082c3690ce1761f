using System.Globalization;

namespace AkkaMedia.EdgeLoad;

/// <summary>What the machine is doing besides the test.</summary>
internal static class Machine
{
    /// <summary>The 1-minute load average (other work competing for the cores); 0 where unknown.</summary>
    public static double LoadAverage()
    {
        if (!File.Exists("/proc/loadavg"))
        {
            return 0;
        }

        var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var load) ? load : 0;
    }
}

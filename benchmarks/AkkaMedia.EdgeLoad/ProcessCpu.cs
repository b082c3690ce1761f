using System.Diagnostics;

namespace AkkaMedia.EdgeLoad;

/// <summary>Processor time of one process (all its threads) between two instants, in % of one core.</summary>
internal sealed class ProcessCpu
{
    private readonly int _pid;
    private TimeSpan _start;
    private long _startedAt;

    /// <summary>Process <paramref name="pid"/>, named <paramref name="name"/> in results (<c>client</c>, <c>floor</c>, <c>serve</c>, <c>executor</c>).</summary>
    public ProcessCpu(string name, int pid)
    {
        Name = name;
        _pid = pid;
    }

    public string Name { get; }

    public void Start()
    {
        _start = Read();
        _startedAt = Stopwatch.GetTimestamp();
    }

    /// <returns>Percent of one core since <see cref="Start"/>; -1 when the process could not be read.</returns>
    public double Stop()
    {
        var elapsed = Stopwatch.GetElapsedTime(_startedAt);
        var end = Read();
        return end < TimeSpan.Zero || _start < TimeSpan.Zero ? -1 : Math.Round((end - _start) / elapsed * 100, 1);
    }

    private TimeSpan Read()
    {
        try
        {
            using var process = Process.GetProcessById(_pid);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return TimeSpan.FromTicks(-1);
        }
    }
}

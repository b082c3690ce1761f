using System.Diagnostics;

namespace AkkaMedia.SpeechBench;

/// <summary>CPU of this process and of another one over a window, in percent of one core.</summary>
internal sealed class CpuMeter(int otherPid)
{
    private readonly Stopwatch _clock = new();
    private TimeSpan _self;
    private TimeSpan _other;

    public void Start()
    {
        _self = Process.GetCurrentProcess().TotalProcessorTime;
        _other = Process.GetProcessById(otherPid).TotalProcessorTime;
        _clock.Restart();
    }

    public (double Self, double Other) Stop()
    {
        var wall = _clock.Elapsed.TotalSeconds;
        var self = (Process.GetCurrentProcess().TotalProcessorTime - _self).TotalSeconds;
        var other = (Process.GetProcessById(otherPid).TotalProcessorTime - _other).TotalSeconds;
        return (100 * self / wall, 100 * other / wall);
    }
}

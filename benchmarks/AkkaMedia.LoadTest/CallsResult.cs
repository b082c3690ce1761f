using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace AkkaMedia.LoadTest;

/// <summary>The JSON line of the calls scenario: one remote object called through its proxy in several ways, and the TCP floor.</summary>
/// <param name="Scenario">Always <c>calls</c>.</param>
/// <param name="Seconds">Measured seconds of each call mode and of the floor.</param>
/// <param name="WarmupSeconds">Unreported warm-up before each mode, seconds.</param>
/// <param name="FirstDeployMs">The first deploy of the object, its code uploaded to the executor, milliseconds.</param>
/// <param name="SequentialSync">One thread calling the synchronous <c>Add</c> in a loop.</param>
/// <param name="SequentialAsync">One caller awaiting <c>AddAsync</c> in a loop.</param>
/// <param name="Concurrent">Several callers, each awaiting <c>AddAsync</c> in a loop.</param>
/// <param name="Pipelined">One caller keeping a constant number of <c>AddAsync</c> calls in flight.</param>
/// <param name="Cycle">Deploy + one call + dispose, repeated.</param>
/// <param name="Floor">Raw async TCP ping-pong of 8 bytes between the same two processes, one round trip at a time.</param>
/// <param name="LoadAverage">The machine's 1-minute load average when the scenario started.</param>
/// <param name="Error">Why the scenario failed (an exception, a wrong answer, a lost or reordered call); null when it did not.</param>
internal sealed record CallsResult(
    string Scenario,
    int Seconds,
    int WarmupSeconds,
    double FirstDeployMs,
    CallModeResult? SequentialSync,
    CallModeResult? SequentialAsync,
    CallModeResult? Concurrent,
    CallModeResult? Pipelined,
    CallCycleResult? Cycle,
    CallModeResult? Floor,
    double LoadAverage,
    string? Error) : IScenarioResult
{
    [JsonIgnore]
    public bool Succeeded => Error is null;

    public string? MarkdownTable()
    {
        var c = CultureInfo.InvariantCulture;
        var table = new StringBuilder()
            .AppendLine()
            .AppendLine("| mode | calls/s | p50 µs | p99 µs | max µs |")
            .AppendLine("|---|---:|---:|---:|---:|");
        Row("sequentialSync", SequentialSync);
        Row("sequentialAsync", SequentialAsync);
        Row($"concurrent ({Concurrent?.Callers} callers)", Concurrent);
        Row($"pipelined ({Pipelined?.InFlight} in flight)", Pipelined);
        if (Cycle is { } cycle)
        {
            table.AppendLine(c, $"| cycle (deploy + call + dispose) | {cycle.CyclesPerSecond:N1} | {cycle.P50Ms * 1000:N0} | {cycle.P99Ms * 1000:N0} | {cycle.MaxMs * 1000:N0} |");
        }

        Row("floor (TCP ping-pong, 8 bytes)", Floor);
        return table.ToString();

        void Row(string mode, CallModeResult? result)
        {
            if (result is not null)
            {
                table.AppendLine(c, $"| {mode} | {result.CallsPerSecond:N0} | {result.P50Us:N0} | {result.P99Us:N0} | {result.MaxUs:N0} |");
            }
        }
    }
}

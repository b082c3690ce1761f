namespace AkkaMedia.LoadTest;

/// <summary>One mode of the calls scenario (for <c>floor</c>, a call is one 8-byte TCP round trip).</summary>
/// <param name="Callers">Callers making calls at the same time.</param>
/// <param name="InFlight">Calls each caller keeps in flight.</param>
/// <param name="Calls">Calls completed in the measured window.</param>
/// <param name="CallsPerSecond">Calls completed per second of the window.</param>
/// <param name="P50Us">Median latency of a call, from the call to its answer, microseconds.</param>
/// <param name="P90Us">90th percentile, microseconds.</param>
/// <param name="P99Us">99th percentile, microseconds.</param>
/// <param name="P999Us">99.9th percentile, microseconds.</param>
/// <param name="MaxUs">Slowest call, microseconds.</param>
/// <param name="MeanUs">Mean latency, microseconds.</param>
/// <param name="WrongResults">Answers that were not the expected value; must be 0.</param>
/// <param name="RemoteCalls">Calls the remote object counted in the window; must equal <paramref name="Calls"/> (null for floor).</param>
/// <param name="Descents">Calls whose argument the remote object saw smaller than the previous one's: must be 0 where one flow issues the calls in order (null where not checked).</param>
/// <param name="ClientCpuPercent">Driver CPU over the window, in % of one core.</param>
/// <param name="ExecutorCpuPercent">Executor CPU over the window, in % of one core.</param>
/// <param name="PerCall">Allocations, context switches and TCP segments per call.</param>
/// <param name="ClientCollections">Driver garbage collections in the window, <c>gen0/gen1/gen2</c>.</param>
/// <param name="ExecutorCollections">Executor garbage collections in the window.</param>
/// <param name="Runtime">JIT and GC pause time in the window.</param>
internal sealed record CallModeResult(
    int Callers,
    int InFlight,
    long Calls,
    double CallsPerSecond,
    double P50Us,
    double P90Us,
    double P99Us,
    double P999Us,
    double MaxUs,
    double MeanUs,
    long WrongResults,
    long? RemoteCalls,
    long? Descents,
    double ClientCpuPercent,
    double ExecutorCpuPercent,
    PerFrame PerCall,
    string ClientCollections,
    string ExecutorCollections,
    RuntimeCost Runtime)
{
    public static CallModeResult Of(int callers, int inFlight, CallRecorder recorder, ResourceUse use, long? remoteCalls, long? descents)
    {
        var sorted = recorder.SortedLatencies();
        return new CallModeResult(
            callers,
            inFlight,
            sorted.Count,
            Math.Round(recorder.CallsPerSecond, 0),
            CallLatencies.Micros(sorted, 0.50),
            CallLatencies.Micros(sorted, 0.90),
            CallLatencies.Micros(sorted, 0.99),
            CallLatencies.Micros(sorted, 0.999),
            CallLatencies.MaxMicros(sorted),
            CallLatencies.MeanMicros(sorted),
            recorder.WrongResults,
            remoteCalls,
            descents,
            use.ClientCpuPercent,
            use.ExecutorCpuPercent,
            use.Per(sorted.Count),
            use.ClientCollections,
            use.ExecutorCollections,
            use.Runtime);
    }
}

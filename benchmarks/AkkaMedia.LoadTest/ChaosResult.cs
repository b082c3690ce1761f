using System.Globalization;
using System.Text;

namespace AkkaMedia.LoadTest;

/// <summary>The chaos scenario's outcome: one JSON line, then a Markdown table.</summary>
/// <param name="Scenario">Always <c>chaos</c>.</param>
/// <param name="Streams">Streams started at once (a third of each kind).</param>
/// <param name="Executors">Executor processes kept running (a killed one is replaced).</param>
/// <param name="Seconds">How long every stream sends (50 frames a second).</param>
/// <param name="KillEverySeconds">Seconds between two kills.</param>
/// <param name="Kills">Executors killed with SIGKILL.</param>
/// <param name="FramesSent">Frames the streams sent, replays not counted.</param>
/// <param name="FramesChecked">Output frames compared with the same node run in the driver.</param>
/// <param name="FramesLost">Frames of streams with failover that never came back, came back twice, out of order or with other samples than the same node run in the driver gives (a stream whose output goes wrong counts one, however long it stays wrong); must be 0.</param>
/// <param name="StreamsFailedWithFailover">Streams with failover that failed; must be 0.</param>
/// <param name="StreamsFailedWithout">Streams without failover that failed: each one whose executor was killed.</param>
/// <param name="StreamsReplaced">Streams without failover started in place of failed ones, to keep the load.</param>
/// <param name="SlowestFailureAfterKillMs">The longest time from a kill to the failure of a stream without failover it took down.</param>
/// <param name="Resumes">Sessions moved to another executor (the client's <c>failover.resume_time</c> measurements).</param>
/// <param name="ResumeP50Ms">Median time from a session's executor lost to its session answering on another one.</param>
/// <param name="ResumeP99Ms">99th percentile of the same.</param>
/// <param name="ResumeMaxMs">Longest of the same.</param>
/// <param name="LeakedSessions">Sessions still open on the executors once every stream has ended; must be 0.</param>
/// <param name="Objects">Durable counters called beside the streams.</param>
/// <param name="CallsAcknowledged">Calls of the durable counters that returned.</param>
/// <param name="CallsFailed">Calls that threw (the object could not run in time); each may or may not have been applied.</param>
/// <param name="CallsWrong">Answers that show a call lost or applied twice, and counters whose final count does not match; must be 0.</param>
/// <param name="Problems">The first ten problems seen (a stream failed or went wrong), for the reader.</param>
/// <param name="Error">Why the scenario could not run; null when it ran.</param>
internal sealed record ChaosResult(
    string Scenario,
    int Streams,
    int Executors,
    int Seconds,
    int KillEverySeconds,
    int Kills,
    long FramesSent,
    long FramesChecked,
    long FramesLost,
    int StreamsFailedWithFailover,
    int StreamsFailedWithout,
    int StreamsReplaced,
    double SlowestFailureAfterKillMs,
    int Resumes,
    double ResumeP50Ms,
    double ResumeP99Ms,
    double ResumeMaxMs,
    int LeakedSessions,
    int Objects,
    long CallsAcknowledged,
    long CallsFailed,
    long CallsWrong,
    IReadOnlyList<string> Problems,
    string? Error) : IScenarioResult
{
    /// <summary>True when nothing was lost, no stream with failover failed, every failure came within 1 s of its kill and nothing leaked.</summary>
    public bool Succeeded => Error is null && FramesLost == 0 && StreamsFailedWithFailover == 0 && LeakedSessions == 0 && SlowestFailureAfterKillMs <= 1000 && CallsWrong == 0 && CallsFailed == 0 && Problems.Count == 0;

    public static ChaosResult Empty(int streams, int executors, int seconds, int killEverySeconds) =>
        new("chaos", streams, executors, seconds, killEverySeconds, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, [], null);

    public string MarkdownTable()
    {
        var table = new StringBuilder();
        table.AppendLine();
        table.AppendLine("| streams | executors | s | kills | frames checked | lost | failed (failover) | failed (none) | slowest failure after kill ms | resumes | resume p50 ms | p99 ms | max ms | leaked | objects | calls | failed | wrong |");
        table.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        table.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {Streams} | {Executors} | {Seconds} | {Kills} | {FramesChecked:N0} | {FramesLost} | {StreamsFailedWithFailover} | {StreamsFailedWithout} | {SlowestFailureAfterKillMs:0} | {Resumes} | {ResumeP50Ms:0.0} | {ResumeP99Ms:0.0} | {ResumeMaxMs:0.0} | {LeakedSessions} | {Objects} | {CallsAcknowledged:N0} | {CallsFailed} | {CallsWrong}{(Error is null ? string.Empty : " ⚠ " + Error)} |"));
        foreach (var problem in Problems)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"- {problem}");
        }

        return table.ToString();
    }
}

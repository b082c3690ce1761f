using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;

namespace AkkaMedia.Executor.Tests.Metrics;

/// <summary>Alerts on a rate of errors need a series before the first error happens.</summary>
public sealed class ErrorSeriesSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void Executor_must_report_every_error_kind_at_zero_before_any_failure_and_count_from_there()
    {
        using var metrics = new MetricsRecorder(Sys);
        var executor = ExecutorMetrics.Get(Sys);

        var kinds = new[]
        {
            "node_failure", "user_code", "call_timeout", "sandbox_violation", "code_rejected", "upload_rejected",
            "refused", "session_lost", "killed", "drain_timeout", "start_failed",
        };
        Assert.All(kinds, kind => Assert.Equal(0, metrics.Value(AkkaMediaTelemetry.ExecutorMeterName, "errors", ("kind", kind))));
        Assert.Equal(kinds.Length, metrics.Series(AkkaMediaTelemetry.ExecutorMeterName, "errors"));

        executor.Error(ExecutorErrorKind.Killed);

        Assert.Equal(1, metrics.Value(AkkaMediaTelemetry.ExecutorMeterName, "errors", ("kind", "killed")));
        Assert.Equal(0, metrics.Value(AkkaMediaTelemetry.ExecutorMeterName, "errors", ("kind", "node_failure")));
    }
}

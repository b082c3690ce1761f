using System.Text;
using AkkaMedia.Host.Telemetry;

namespace AkkaMedia.Host.Tests.Telemetry;

/// <summary>
/// <c>akkamedia run</c> with the standard <c>OTEL_EXPORTER_OTLP_*</c> variables set sends its spans and metrics to
/// that collector over OTLP/HTTP; the in-process executor's spans go out through the same export, one trace with the
/// client's. Runs alone: the variables it sets are the process's.
/// </summary>
[Collection(Name)]
public sealed class OtlpExportSpec : IClassFixture<BuiltInExecutor>, IDisposable
{
    public const string Name = "otlp environment";

    private readonly BuiltInExecutor _executor;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"));

    public OtlpExportSpec(BuiltInExecutor executor)
    {
        _executor = executor;
        Directory.CreateDirectory(_folder);
    }

    [Fact]
    public async Task Run_must_export_its_spans_and_metrics_to_the_collector_of_the_standard_variables()
    {
        using var collector = new OtlpCollector();
        var pipeline = Path.Combine(_folder, "tone.conf");
        await File.WriteAllTextAsync(pipeline, """
            pipeline {
              source { type = tone, duration = 200ms }
              stages = [ { type = Gain, gain = 0.5, remote = true } ]
              sink { type = discard }
            }
            """);

        (int ExitCode, string Stdout, string Stderr) result;
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", collector.Endpoint);
        Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        try
        {
            result = await HostInvocation.InvokeAsync("run", pipeline, "--seeds", _executor.Address);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT", null);
            Environment.SetEnvironmentVariable("OTEL_EXPORTER_OTLP_PROTOCOL", null);
        }

        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}: {result.Stderr}");
        Assert.Contains($"run: exporting traces and metrics over OTLP to {collector.Endpoint}", result.Stderr);

        // The export flushed when the command ended: nothing is left to wait for.
        var spans = collector.Bodies("/v1/traces").SelectMany(OtlpSpan.Parse).ToList();
        var client = Assert.Single(spans, s => s.Name == "akkamedia.remote_stage.open");
        var server = Assert.Single(spans, s => s.Name == "akkamedia.session.start");
        Assert.Equal("akkamedia-run", client.ServiceName);
        Assert.Equal(client.TraceId, server.TraceId);
        Assert.Equal(client.SpanId, server.ParentSpanId);
        Assert.Matches("^[0-9a-f]{32}$", client.TraceId);

        var metrics = collector.Bodies("/v1/metrics");
        Assert.True(metrics.Count > 0, $"no metrics were exported; requests: {collector.Describe()}");
        Assert.Contains(metrics, body => Encoding.UTF8.GetString(body).Contains("frames.sent", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_an_endpoint_nothing_must_be_exported_and_the_configured_one_must_win()
    {
        var defaults = TelemetrySettings.Create(Akka.Configuration.Config.Empty);
        Assert.False(defaults.IsEnabled(_ => null));
        Assert.Null(OtlpExport.Start(defaults, "node", TextWriter.Null, _ => null));
        Assert.True(defaults.IsEnabled(v => v == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://collector:4318" : null));
        Assert.True(defaults.IsEnabled(v => v == "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" ? "http://collector:4318/v1/traces" : null));
        Assert.False(defaults.IsEnabled(v => v switch
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT" => "http://collector:4318",
            "OTEL_SDK_DISABLED" => "true",
            _ => null,
        }));

        var configured = Settings("endpoint = \"http://collector:4318\", protocol = http/protobuf, metrics-interval = 5s, service-name = edge-1");
        Assert.True(configured.IsEnabled(_ => null));
        Assert.Equal((new Uri("http://collector:4318"), "http/protobuf", TimeSpan.FromSeconds(5), "edge-1"), (configured.Endpoint, configured.Protocol, configured.MetricsInterval, configured.ServiceName));
        Assert.False(Settings("otlp = off, endpoint = \"http://collector:4318\"").IsEnabled(_ => null));
        Assert.True(Settings("otlp = on").IsEnabled(_ => null));
        Assert.False(Settings("otlp = on, traces = off, metrics = off").IsEnabled(_ => null));
    }

    [Theory]
    [InlineData("otlp = sometimes", "akka-media.telemetry.otlp")]
    [InlineData("endpoint = \"collector:4318\"", "akka-media.telemetry.endpoint")]
    [InlineData("protocol = http/json", "akka-media.telemetry.protocol")]
    [InlineData("metrics-interval = 0s", "akka-media.telemetry.metrics-interval")]
    public void A_bad_telemetry_setting_must_be_refused_naming_the_key(string setting, string key)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Settings(setting));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task Node_must_refuse_a_bad_telemetry_setting_with_exit_code_2()
    {
        var config = Path.Combine(_folder, "bad-telemetry.conf");
        await File.WriteAllTextAsync(config, "akka-media.telemetry.protocol = http/json");

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("node", "--port", "0", "--config", config);

        Assert.Equal(2, exitCode);
        Assert.Contains("akka-media.telemetry.protocol", stderr);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TelemetrySettings Settings(string hocon) =>
        TelemetrySettings.Create(Akka.Configuration.ConfigurationFactory.ParseString($"akka-media.telemetry {{ {hocon} }}"));
}

/// <summary>Specs that set the process's OpenTelemetry variables run alone.</summary>
[CollectionDefinition(OtlpExportSpec.Name, DisableParallelization = true)]
public sealed class OtlpEnvironmentCollection;

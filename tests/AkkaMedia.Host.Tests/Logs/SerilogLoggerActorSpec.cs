using System.Text.Json;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using AkkaMedia.Host.Logs;

namespace AkkaMedia.Host.Tests.Logs;

/// <summary>
/// How an actor system created by a <see cref="HostLog"/> writes Akka's log events: named templates become
/// properties, positional ones and plain strings are the text Akka renders, context properties (the executor's
/// <c>SessionId</c>) are kept, and Akka's level decides what is written.
/// </summary>
public sealed class SerilogLoggerActorSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ObservedWriter _output = new();
    private readonly HostLog _log;
    private readonly ActorSystem _system;

    public SerilogLoggerActorSpec()
    {
        _log = HostLog.Create(LogFormat.Json, _output);
        _system = _log.CreateSystem("logged", ConfigurationFactory.ParseString("akka.loglevel = INFO"));
    }

    [Fact]
    public async Task A_named_template_must_become_properties_beside_the_context_properties()
    {
        Logging.GetLogger(_system, "spec").WithContext(HostLog.SessionIdProperty, "s-1").Warning("Session of {NodeType} failed: {Reason}", "Gain", "boom");

        var line = await LineAsync("boom");

        Assert.Equal("Warning", line.GetProperty("@l").GetString());
        Assert.Equal("Gain", line.GetProperty("NodeType").GetString());
        Assert.Equal("boom", line.GetProperty("Reason").GetString());
        Assert.Equal("s-1", line.GetProperty("SessionId").GetString());
        Assert.Equal("spec (akka://logged)", line.GetProperty("LogSource").GetString());
    }

    [Fact]
    public async Task A_positional_template_must_be_the_text_Akka_renders_without_numbered_properties()
    {
        Logging.GetLogger(_system, "spec").Info("{0} of {1} frames {{kept}}", 3, 4);

        var line = await LineAsync("frames");

        Assert.Equal("3 of 4 frames {kept}", line.GetProperty("@m").GetString());
        Assert.False(line.TryGetProperty("0", out _), line.ToString());
        Assert.False(line.TryGetProperty("@l", out _), "Information is CLEF's default level");
    }

    [Fact]
    public async Task Events_below_the_Akka_log_level_must_not_be_written_and_a_new_level_must_apply_at_once()
    {
        Logging.GetLogger(_system, "spec").Debug("hidden debug");
        Logging.GetLogger(_system, "spec").Info("first marker");
        await _output.WaitForAsync("first marker", Timeout);

        _system.EventStream.SetLogLevel(Akka.Event.LogLevel.DebugLevel);
        Logging.GetLogger(_system, "spec").Debug("shown debug");
        await _output.WaitForAsync("shown debug", Timeout);

        Assert.DoesNotContain("hidden debug", _output.ToString());
    }

    [Fact]
    public async Task The_text_format_must_write_one_line_with_time_level_session_source_message_and_exception()
    {
        var output = new ObservedWriter();
        using var log = HostLog.Create(LogFormat.Text, output);
        var system = log.CreateSystem("text", ConfigurationFactory.ParseString("akka.loglevel = INFO"));
        try
        {
            Logging.GetLogger(system, "spec").WithContext(HostLog.SessionIdProperty, "s-2")
                .Error(new InvalidOperationException("line one\nline two"), "Session of {NodeType} failed", "Echo");
            Logging.GetLogger(system, "spec").Warning("no session here");

            var text = await output.WaitForAsync("no session here", Timeout);

            Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERR \[session s-2\] spec \(akka://text\): Session of Echo failed \(InvalidOperationException: line one line two\)$", text);
            Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z WRN spec \(akka://text\): no session here$", text);
        }
        finally
        {
            await system.Terminate();
        }
    }

    protected override void Dispose(bool disposing)
    {
        _system.Terminate().Wait(Timeout);
        _log.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>The JSON object of the first line containing <paramref name="text"/>.</summary>
    private async Task<JsonElement> LineAsync(string text)
    {
        var all = await _output.WaitForAsync(text, Timeout);
        var line = all.Split('\n').First(l => l.Contains(text, StringComparison.Ordinal));
        return JsonDocument.Parse(line).RootElement;
    }
}

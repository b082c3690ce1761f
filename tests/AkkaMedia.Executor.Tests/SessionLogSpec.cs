using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Sessions;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests;

/// <summary>
/// What a session logs: its start and end, each event carrying the session's id as the structured property
/// <c>SessionId</c> whatever logger writes it. A session actor is the executor's child named after its session,
/// so the id each event should carry is read from the event's log source.
/// </summary>
public sealed class SessionLogSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<InfoLoggingExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly InfoLoggingExecutor _executor;

    public SessionLogSpec(InfoLoggingExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs, "streamrefs")]
    [InlineData(RemoteTransport.MediaLink, "link")]
    public async Task Every_event_a_session_logs_must_carry_its_SessionId_and_render_its_named_template(RemoteTransport transport, string transportName)
    {
        var logs = CreateTestProbe(_executor.System);
        _executor.System.EventStream.Subscribe(logs.Ref, typeof(LogEvent));

        await Source.From(Enumerable.Range(0, 3).Select(i => TestRegistry.Frame(i)))
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 2", new RemoteStageOptions { Transport = transport }))
            .RunWith(Sink.Ignore<AudioFrame>(), Sys.Materializer())
            .WaitAsync(Timeout);

        var events = new List<LogEvent>();
        await logs.FishForMessageAsync(
            message =>
            {
                var e = (LogEvent)message;
                events.Add(e);
                return e.LogClass == typeof(SessionActor) && e.Message.ToString()!.EndsWith("ended", StringComparison.Ordinal);
            },
            Timeout);
        var session = events.Where(e => e.LogClass == typeof(SessionActor)).ToList();
        Assert.All(session, e =>
        {
            Assert.True(e.TryGetProperties(out var properties), e.ToString());
            Assert.Equal(e.LogSource[(e.LogSource.LastIndexOf('/') + 1)..], properties![SessionLog.PropertyName]);
        });
        var started = Assert.Single(session, e => e.Message.ToString()!.Contains("started", StringComparison.Ordinal));
        Assert.StartsWith($"Session of Scale started over {transportName} for client akka.tcp://media@", started.Message.ToString());
        Assert.True(started.TryGetProperties(out var named));
        Assert.Equal("Scale", named!["NodeType"]);
        Assert.Equal(transportName, named["Transport"]);
    }
}

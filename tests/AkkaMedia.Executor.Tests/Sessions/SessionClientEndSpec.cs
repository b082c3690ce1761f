using Akka.Actor;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Sessions;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Executor.Tests.Metrics;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// How a session counts its client's end. A client that closed its session said how it ended: released, or lost when its
/// side of the stream failed; its actor's end, even when it arrives before the stream has finished, is not counted
/// again. A client whose actor ends without closing lost its session.
/// </summary>
public sealed class SessionClientEndSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = DEBUG", output)
{
    private const string Executor = AkkaMediaTelemetry.ExecutorMeterName;
    private const string StoppedAfterClosing = "stopped after closing the session";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_client_that_closes_its_session_and_stops_before_the_stream_ends_must_have_released_it()
    {
        using var metrics = new MetricsRecorder(Sys);
        var transport = new HeldTransport();
        var (client, session) = StartSession(transport);
        ExpectMsg<SessionOpened>(Timeout);

        session.Tell(new CloseSession("s-1"), client);
        await EventFilter.Debug(contains: StoppedAfterClosing).ExpectOneAsync(() =>
        {
            Sys.Stop(client);
            return Task.CompletedTask;
        });
        Assert.False(transport.Ended.IsCompleted, "the stream had ended before the client's end arrived");
        transport.Release();

        ExpectTerminated(session, Timeout);
        await transport.Ended;
        Assert.Equal(0, metrics.Value(Executor, "errors", ("kind", ExecutorErrorKind.SessionLost)));
    }

    [Fact]
    public async Task A_client_whose_side_of_the_stream_failed_must_have_its_session_counted_as_lost_once()
    {
        using var metrics = new MetricsRecorder(Sys);
        var transport = new HeldTransport();
        var (client, session) = StartSession(transport);
        ExpectMsg<SessionOpened>(Timeout);

        session.Tell(new CloseSession("s-1", StreamFailed: true), client);
        await EventFilter.Debug(contains: StoppedAfterClosing).ExpectOneAsync(() =>
        {
            Sys.Stop(client);
            return Task.CompletedTask;
        });
        transport.Release();

        ExpectTerminated(session, Timeout);
        await Assert.ThrowsAnyAsync<Exception>(() => transport.Ended);
        AwaitAssert(() => Assert.Equal(1, metrics.Value(Executor, "errors", ("kind", ExecutorErrorKind.SessionLost))), Timeout);
    }

    [Fact]
    public void A_client_that_stops_without_closing_its_session_must_count_it_as_lost()
    {
        using var metrics = new MetricsRecorder(Sys);
        var (client, session) = StartSession(new HeldTransport());
        ExpectMsg<SessionOpened>(Timeout);

        Sys.Stop(client);

        ExpectTerminated(session, Timeout);
        AwaitAssert(() => Assert.Equal(1, metrics.Value(Executor, "errors", ("kind", ExecutorErrorKind.SessionLost))), Timeout);
    }

    /// <summary>A session actor whose client is a forwarding actor this spec can stop; the session is watched.</summary>
    private (IActorRef Client, IActorRef Session) StartSession(ISessionTransport transport)
    {
        var client = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor)), "client");
        var request = new OpenSession("s-1", "Scale", string.Empty, RemoteTransport.MediaLink, null, client);
        var sessionMetrics = ExecutorMetrics.Get(Sys).SessionStarted(SessionKind.Node, transport.Name, "Scale", streams: true);
        var session = Sys.ActorOf(Props.Create(() => new SessionActor(request, Flow.Create<object>(), transport, sessionMetrics, null)), "session");
        Watch(session);
        return (client, session);
    }

    /// <summary>
    /// Runs the session's node between a source that never ends and a sink, and tells the session it is ready at once.
    /// The node ends when the session closes or aborts it; the session hears of that end only once the spec calls
    /// <see cref="Release"/>, as if the end were still on its way.
    /// </summary>
    private sealed class HeldTransport : ISessionTransport
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The stream's end as the session sees it: after <see cref="Release"/>, with the node's outcome.</summary>
        public Task Ended { get; private set; } = Task.CompletedTask;

        public RemoteTransport Kind => RemoteTransport.MediaLink;

        public string Name => "held";

        public void Release() => _release.TrySetResult();

        public Task Start(SessionStreamContext context, Flow<object, object, Akka.NotUsed> node)
        {
            var nodeEnded = Source.Never<object>().Via(node).RunWith(Sink.Ignore<object>(), context.Materializer);
            Ended = HoldAsync(nodeEnded);
            context.Session.Tell(new SessionTransportReady(new SessionOpened(context.SessionId, null, context.Session, null)));
            return Ended;
        }

        public void Stopped(string sessionId)
        {
        }

        private async Task HoldAsync(Task nodeEnded)
        {
            try
            {
                await nodeEnded;
            }
            finally
            {
                await _release.Task;
            }
        }
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef to) => ReceiveAny(to.Forward);
    }
}

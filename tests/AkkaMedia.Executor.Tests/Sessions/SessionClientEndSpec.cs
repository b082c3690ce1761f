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
/// How a session counts the end of its client's actor: a client that closed its session first released it, even when
/// its end arrives before the session's stream has finished; a client that ends without closing lost it.
/// </summary>
public sealed class SessionClientEndSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private const string Executor = AkkaMediaTelemetry.ExecutorMeterName;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void A_client_that_closes_its_session_and_stops_before_the_stream_ends_must_release_it_not_lose_it()
    {
        using var metrics = new MetricsRecorder(Sys);
        var transport = new HeldTransport();
        var (client, session) = StartSession(transport);
        ExpectMsg<SessionOpened>(Timeout);

        session.Tell(new CloseSession("s-1"), client);
        Sys.Stop(client);

        ExpectTerminated(session, Timeout);
        Assert.False(transport.Done.Task.IsCompleted, "the stream was still running when the client's end arrived");
        Assert.Equal(0, metrics.Value(Executor, "errors", ("kind", ExecutorErrorKind.SessionLost)));
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

    /// <summary>Tells the session it is ready at once; its stream ends only when the spec completes <see cref="Done"/>.</summary>
    private sealed class HeldTransport : ISessionTransport
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RemoteTransport Kind => RemoteTransport.MediaLink;

        public string Name => "held";

        public Task Start(SessionStreamContext context, Flow<object, object, Akka.NotUsed> node)
        {
            context.Session.Tell(new SessionTransportReady(new SessionOpened(context.SessionId, null, context.Session, null)));
            return Done.Task;
        }

        public void Stopped(string sessionId)
        {
        }
    }

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef to) => ReceiveAny(to.Forward);
    }
}

using System.Collections.Concurrent;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Link;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Executor.Sessions.Transports;

/// <summary>
/// Sessions over the executor's media link (<see cref="LinkServer"/>): the session's stage registers with the server,
/// the client is told the link's endpoint and opens a channel for the session there. A client that has not opened it
/// within the subscription timeout fails the session. Liveness is the link's own (probes, <c>PeerSilence</c>).
/// </summary>
internal sealed class LinkSessionTransport(LinkServer server, ExecutorSettings settings, IScheduler scheduler) : ISessionTransport
{
    private readonly ConcurrentDictionary<string, ICancelable> _connectChecks = new(StringComparer.Ordinal);

    public RemoteTransport Kind => RemoteTransport.MediaLink;

    public string Name => TransportNames.Of(Kind);

    public Task Start(SessionStreamContext context, Flow<object, object, NotUsed> node)
    {
        if (context.Request.Input is not null)
        {
            throw new InvalidOperationException($"Session {context.SessionId} asked for the media link with an input SourceRef.");
        }

        var sessionId = context.SessionId;
        var session = context.Session;

        // The client opens its channel as soon as it hears SessionOpened, so the session must be registered with the
        // link server first: that happens when the stage starts, after Run returns.
        var link = new LinkChannelStage(
            control =>
            {
                server.Expect(sessionId, control.Bind);
                session.Tell(new SessionTransportReady(new SessionOpened(sessionId, null, session, server.Endpoint)));
            },
            settings.LinkWindow,
            isClient: false,
            "session-" + sessionId);
        var done = Flow.FromGraph(link)
            .JoinMaterialized(node.WatchTermination(Keep.Right), Keep.Right)
            .Run(context.Materializer);

        // Runs on the scheduler's thread: reads the thread-safe server and tells the session, nothing else.
        var timeout = settings.SubscriptionTimeout;
        var check = new Cancelable(scheduler);
        _connectChecks[sessionId] = check;
        scheduler.Advanced.ScheduleOnce(timeout, () =>
        {
            _connectChecks.TryRemove(new KeyValuePair<string, ICancelable>(sessionId, check));
            if (server.IsWaiting(sessionId))
            {
                session.Tell(new SessionTransportFailed(
                    new TimeoutException($"The client of session {sessionId} did not connect its media link within {timeout.TotalSeconds:0.#} s."),
                    ExecutorErrorKind.SessionLost));
            }
        }, check);
        return done;
    }

    public void Stopped(string sessionId)
    {
        if (_connectChecks.TryRemove(sessionId, out var check))
        {
            check.Cancel();
        }

        server.Retire(sessionId);
    }
}

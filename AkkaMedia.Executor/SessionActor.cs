using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Event;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor;

/// <summary>
/// Runs one remote stage: the client's input SourceRef → node → a SourceRef back to the client.
/// Stops when the stream ends, when the client closes the session, when the client goes silent
/// for the idle timeout, or when the client's actor is terminated; the node is cleaned up in every case.
/// </summary>
internal sealed class SessionActor : ReceiveActor
{
    private readonly OpenSession _request;
    private readonly Flow<object, object, NotUsed> _node;
    private readonly ExecutorSettings _settings;
    private readonly SharedKillSwitch _killSwitch;

    public SessionActor(OpenSession request, Flow<object, object, NotUsed> node, ExecutorSettings settings)
    {
        _request = request;
        _node = node;
        _settings = settings;
        _killSwitch = KillSwitches.Shared("session-" + request.SessionId);

        Receive<ISourceRef<object>>(output => _request.Client.Tell(new SessionOpened(_request.SessionId, output, Self)));
        Receive<StreamDone>(_ => Context.Stop(Self));
        Receive<CloseSession>(_ => _killSwitch.Shutdown());
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_request.Client))
            {
                _killSwitch.Abort(new InvalidOperationException($"Client {_request.Client.Path} of session {_request.SessionId} is gone."));
                Context.Stop(Self);
            }
        });
        Receive<Status.Failure>(f =>
        {
            Context.GetLogger().Warning("Session {0} ({1}) could not start: {2}", _request.SessionId, _request.NodeType, f.Cause.Message);
            Context.Stop(Self);
        });
    }

    private sealed class StreamDone
    {
        public static readonly StreamDone Instance = new();
    }

    protected override void PreStart()
    {
        Context.Watch(_request.Client);
        var materializer = Context.System.Materializer();
        var idle = _settings.IdleTimeout;
        var sessionId = _request.SessionId;
        var (done, output) = _request.Input.Source
            .Via(_killSwitch.Flow<object>())
            .IdleTimeout(idle)
            .SelectError(e => e is TimeoutException
                ? new TimeoutException($"Client of session {sessionId} sent nothing for {idle.TotalSeconds:0.#} s; the session is stopped.", e)
                : e)
            .Where(static e => e is not StreamHeartbeat)
            .Via(_node)
            .KeepAlive(_settings.HeartbeatInterval, static () => (object)StreamHeartbeat.Instance)
            .WatchTermination(Keep.Right)
            .ToMaterialized(
                StreamRefs.SourceRef<object>().WithAttributes(StreamRefAttributes.CreateSubscriptionTimeout(_settings.SubscriptionTimeout)),
                Keep.Both)
            .Run(materializer);
        var self = Self;
        output.PipeTo(self, failure: e => new Status.Failure(e));
        done.ContinueWith(_ => self.Tell(StreamDone.Instance), TaskScheduler.Default);
    }

    protected override void PostStop() => _killSwitch.Abort(new InvalidOperationException($"Session {_request.SessionId} stopped."));
}

using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// Runs one remote stage: the client's elements → node → back to the client, over the transport the request names
/// (<see cref="ISessionTransport"/>; this actor does not otherwise know which). Stops when the stream ends, when the
/// client closes the session, when the transport gives up on the client (silent, never connected), or when the
/// client's actor is terminated; the node is cleaned up in every case. A client's actor that ends after it closed the
/// session (<see cref="CloseSession"/>) is not counted as a lost session: the close said how it ended (released, or
/// lost when the client's side failed), and the stream, which the close ends, stops this actor. An operator's
/// <see cref="ExecutorActor.KillSession"/> fails the stream with a message saying so.
/// Counts the elements entering and leaving the node, with their payload bytes, in its <see cref="SessionMetrics"/>, and
/// counts a failed stream as one error: of the node (or user code, for a shipped node) when the failure came out of the
/// node, otherwise lost client, operator kill or failed start.
/// Logs its start and end (info), and why it failed (warning), with the session id as property <c>SessionId</c>.
/// Ends the request's <c>akkamedia.session.start</c> span when it answers <see cref="SessionOpened"/> (or fails first);
/// the session's stream is materialized inside that span, so spans its nodes start (voice turns) join the client's trace.
/// </summary>
/// <remarks>
/// State is touched on this actor's thread only: the stream reports where a failure came from with
/// <see cref="FailureSeen"/> messages, sent before the stream's completion (and so delivered before
/// <see cref="StreamDone"/>). Its parent stops it on any exception (see <see cref="SessionSupervision"/>): a session never
/// runs twice.
/// </remarks>
internal sealed class SessionActor : ReceiveActor
{
    private readonly OpenSession _request;
    private readonly Flow<object, object, NotUsed> _node;
    private readonly ISessionTransport _transport;
    private readonly SharedKillSwitch _killSwitch;
    private readonly ILoggingAdapter _log;
    private readonly SessionMetrics _metrics;
    private readonly IActorRef _answerTo;
    private FailureOrigin _origin;
    private string? _stopKind;
    private bool _closedByClient;
    private Activity? _span;

    /// <summary>A session that answers <see cref="SessionOpened"/> to the request's client.</summary>
    public SessionActor(OpenSession request, Flow<object, object, NotUsed> node, ISessionTransport transport, SessionMetrics metrics, Activity? span)
        : this(request, node, transport, metrics, span, null)
    {
    }

    /// <summary>A session that answers <see cref="SessionOpened"/> to <paramref name="answerTo"/> (the gatherer of the request's batch), or to the request's client when null.</summary>
    public SessionActor(OpenSession request, Flow<object, object, NotUsed> node, ISessionTransport transport, SessionMetrics metrics, Activity? span, IActorRef? answerTo)
    {
        _request = request;
        _answerTo = answerTo ?? request.Client;
        _span = span;
        _transport = transport;
        _log = SessionLog.For(Context, request.SessionId);
        _metrics = metrics;
        _killSwitch = KillSwitches.Shared("session-" + request.SessionId);
        _node = CountedNode(node, metrics, Self);

        Receive<SessionTransportReady>(ready =>
        {
            _answerTo.Tell(ready.Opened);
            EndSpan();
        });
        Receive<FailureSeen>(seen => _origin = _origin == FailureOrigin.None ? seen.Origin : _origin);
        Receive<StreamDone>(done =>
        {
            if (done.Failure is { } failure)
            {
                _span.Fail(failure.GetBaseException());
                _log.Warning("Session of {NodeType} failed: {Reason}", _request.NodeType, failure.GetBaseException().Message);
                _metrics.Error(_stopKind ?? (_origin == FailureOrigin.Node
                    ? _metrics.IsShipped ? ExecutorErrorKind.UserCode : ExecutorErrorKind.NodeFailure
                    : ExecutorErrorKind.SessionLost));
            }
            else
            {
                _log.Info("Session of {NodeType} ended", _request.NodeType);
            }

            Context.Stop(Self);
        });
        Receive<CloseSession>(close =>
        {
            _closedByClient = true;
            if (close.StreamFailed && _origin == FailureOrigin.None)
            {
                _log.Debug("The client closed the session: its side of the stream failed");
                Abort(ExecutorErrorKind.SessionLost, new InvalidOperationException($"The client's side of session {_request.SessionId} failed."));
            }
            else
            {
                _log.Debug("The client closed the session");
                _killSwitch.Shutdown();
            }
        });
        Receive<ExecutorActor.KillSession>(kill => Abort(ExecutorErrorKind.Killed, new InvalidOperationException(
            $"Session {_request.SessionId} ({_request.NodeType}) was killed by an operator{(string.IsNullOrWhiteSpace(kill.Reason) ? "." : $": {kill.Reason}")}")));
        Receive<AbortSession>(abort => Abort(ExecutorErrorKind.DrainTimeout, new InvalidOperationException(abort.Message)));
        Receive<SessionTransportFailed>(failed => Abort(failed.ErrorKind, failed.Error));
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_request.Client) && _closedByClient)
            {
                // A client stops right after it closes its session, and its end can overtake the stream's own end (which
                // the close has set going): the stream's end, not the client's, says how the session ended.
                _log.Debug("Client {Client} stopped after closing the session", _request.Client.Path);
            }
            else if (t.ActorRef.Equals(_request.Client))
            {
                _log.Warning("Client {Client} is gone; the session stops", _request.Client.Path);
                _metrics.Error(_stopKind ??= ExecutorErrorKind.SessionLost);
                _killSwitch.Abort(new InvalidOperationException($"Client {_request.Client.Path} of session {_request.SessionId} is gone."));
                Context.Stop(Self);
            }
        });
        Receive<Status.Failure>(f =>
        {
            _log.Warning("Session of {NodeType} could not start: {Reason}", _request.NodeType, f.Cause.Message);
            _span.Fail(f.Cause);
            _metrics.Error(_stopKind ??= ExecutorErrorKind.StartFailed);
            Context.Stop(Self);
        });
    }

    /// <summary>Where a stream failure was first seen.</summary>
    private enum FailureOrigin
    {
        None,

        /// <summary>Entering the node: from the client, its transport or the kill switch.</summary>
        Input,

        /// <summary>Leaving the node: the node itself failed.</summary>
        Node,
    }

    protected override void PreStart()
    {
        Context.Watch(_request.Client);
        _log.Info("Session of {NodeType} started over {Transport} for client {Client}", _request.NodeType, _transport.Name, _request.Client.Path);
        using (MediaTracing.Enter(_span))
        {
            var done = _transport.Start(
                new SessionStreamContext(_request, Self, SessionMaterializer.Get(Context.System)),
                Flow.FromGraph(_killSwitch.Flow<object>()).ViaMaterialized(_node, Keep.Right));
            var self = Self;
            done.ContinueWith(t => self.Tell(new StreamDone(t.Exception)), TaskScheduler.Default);
        }
    }

    protected override void PostStop()
    {
        EndSpan();
        _transport.Stopped(_request.SessionId);
        _killSwitch.Abort(new InvalidOperationException($"Session {_request.SessionId} stopped."));
    }

    /// <summary>
    /// <paramref name="node"/> between counters of the elements entering and leaving it; a failure on either side is
    /// reported to <paramref name="session"/> as <see cref="FailureSeen"/> (from the stream's thread, by message).
    /// </summary>
    private static Flow<object, object, NotUsed> CountedNode(Flow<object, object, NotUsed> node, SessionMetrics metrics, IActorRef session)
    {
        var counters = metrics.Counters!;
        return Flow.FromGraph(new SessionCounterStage(counters, countIn: true, session, FailureSeen.Input))
            .Via(node)
            .Via(new SessionCounterStage(counters, countIn: false, session, FailureSeen.Node));
    }

    /// <summary>Fails the stream with <paramref name="error"/>, counted as <paramref name="kind"/> unless a stop kind is already known.</summary>
    private void Abort(string kind, Exception error)
    {
        _stopKind ??= kind;
        _killSwitch.Abort(error);
    }

    private void EndSpan()
    {
        _span?.Stop();
        _span = null;
    }

    /// <summary>The session's stream ended; <paramref name="Failure"/> says why when it failed.</summary>
    private sealed record StreamDone(Exception? Failure);

    /// <summary>The stream saw a failure at <paramref name="Origin"/>; the first one seen decides how it is counted.</summary>
    private sealed record FailureSeen(FailureOrigin Origin)
    {
        public static readonly FailureSeen Input = new(FailureOrigin.Input);

        public static readonly FailureSeen Node = new(FailureOrigin.Node);
    }
}

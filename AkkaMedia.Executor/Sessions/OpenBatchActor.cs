using Akka.Actor;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// Gathers the answers to one <see cref="OpenSessions"/> batch and sends them to the batch's
/// <see cref="OpenSessions.ReplyTo"/> in as few <see cref="SessionsAnswered"/> messages as it can: the executor tells it
/// the members it refused and the session actors it started (<see cref="Track"/>), then <see cref="Sealed"/>; each
/// session actor answers here instead of to its client. Once every tracked session has answered or stopped it sends what
/// it holds and stops. Answers do not wait on a slow member longer than <c>flushAfter</c>: what arrived by then goes
/// out, and the rest follows by the same rule. A session that stops before answering is left out, as a lone request's
/// client hears nothing from a session that never opened.
/// </summary>
/// <remarks>A child of the <c>ExecutorActor</c>; it watches the sessions it tracks and touches its state on its own thread only.</remarks>
internal sealed class OpenBatchActor : ReceiveActor, IWithTimers
{
    private readonly IActorRef _replyTo;
    private readonly TimeSpan _flushAfter;
    private readonly Dictionary<string, IActorRef> _pending = new(StringComparer.Ordinal);
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);
    private readonly List<SessionOpened> _opened = [];
    private readonly List<SessionRefused> _refused = [];
    private bool _sealed;

    public OpenBatchActor(IActorRef replyTo, TimeSpan flushAfter)
    {
        _replyTo = replyTo;
        _flushAfter = flushAfter;
        Receive<SessionRefused>(refused =>
        {
            _answered.Add(refused.SessionId);
            _refused.Add(refused);
            Check();
        });
        Receive<SessionOpened>(opened =>
        {
            // A session may answer before the executor's Track arrives: it is then never counted as pending.
            _answered.Add(opened.SessionId);
            if (_pending.Remove(opened.SessionId, out var session))
            {
                Context.Unwatch(session);
            }

            _opened.Add(opened);
            Check();
        });
        Receive<Track>(track =>
        {
            if (!_answered.Contains(track.SessionId))
            {
                _pending[track.SessionId] = track.Session;
                Context.Watch(track.Session);
            }
        });
        Receive<Sealed>(_ =>
        {
            _sealed = true;
            Check();
        });
        Receive<Terminated>(terminated =>
        {
            var id = terminated.ActorRef.Path.Name;
            if (_pending.Remove(id))
            {
                Check();
            }
        });
        Receive<Flush>(_ => Send());
    }

    /// <summary>The timer that sends answers held while a slow member is still opening (set by Akka.NET).</summary>
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the gatherer of one batch, answering <paramref name="replyTo"/>.</summary>
    public static Props Props(IActorRef replyTo, TimeSpan flushAfter) =>
        Akka.Actor.Props.Create(() => new OpenBatchActor(replyTo, flushAfter));

    /// <summary>The executor started <paramref name="Session"/> (named by the session id) for member <paramref name="SessionId"/>: wait for its answer or its end.</summary>
    public sealed record Track(string SessionId, IActorRef Session);

    /// <summary>The executor has handled every member: no further <see cref="Track"/> or refusal comes.</summary>
    public sealed class Sealed
    {
        public static readonly Sealed Instance = new();

        private Sealed()
        {
        }
    }

    private sealed class Flush
    {
        public static readonly Flush Instance = new();
    }

    private void Check()
    {
        if (!_sealed)
        {
            return;
        }

        if (_pending.Count == 0)
        {
            Send();
            Context.Stop(Self);
        }
        else if (_opened.Count + _refused.Count > 0 && !Timers.IsTimerActive(Flush.Instance))
        {
            Timers.StartSingleTimer(Flush.Instance, Flush.Instance, _flushAfter);
        }
    }

    private void Send()
    {
        if (_opened.Count + _refused.Count == 0)
        {
            return;
        }

        _replyTo.Tell(new SessionsAnswered([.. _opened], [.. _refused]));
        _opened.Clear();
        _refused.Clear();
    }
}

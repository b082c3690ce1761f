using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Transport;

namespace AkkaMedia.Remote.Durable;

/// <summary>
/// The one live entity of a durable object in the cluster (a Cluster Sharding entity, id = the object's name): owns the
/// object's session on an executor (a <see cref="RemoteObjectClientActor"/> child), runs the calls one at a time in the
/// order they arrive, journals each acknowledged call before its reply, and saves the object's state as the policy
/// says. When the session ends without being asked to (its executor died, a call timed out), the next call deploys the
/// object again, on any live executor, from the last saved state, replays the calls journaled since, and then runs.
/// </summary>
/// <remarks>
/// <para>Exactly-once for acknowledged calls: a call's reply is sent only once its event is in the journal; a call
/// whose key (client, sequence) is among the <c>remembered-calls</c> most recent gets the stored reply without running
/// again. A call whose session died under it was not acknowledged: it is run again on the new session, which starts
/// from the persisted state, so it is applied once.</para>
/// <para>Supervision: the child that holds the session is stopped and replaced on any failure of its session; it is
/// never restarted (its state is the session). A journal failure stops this entity (Akka.Persistence's rule): the next
/// message recovers a new one from the journal.</para>
/// </remarks>
internal sealed class DurableObjectActor : ReceivePersistentActor
{
    private readonly string _name;
    private readonly DurableObjectSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<DurableCallApplied> _unsaved = [];
    private readonly Dictionary<DurableCallKey, DurableCallApplied> _recent = [];
    private readonly Queue<DurableCallKey> _recentOrder = new();

    private DurableCreated? _created;
    private byte[] _state = [];
    private long _lastSave = Stopwatch.GetTimestamp();
    private int _callsSinceSave;
    private int _eventsSinceSnapshot;

    private IActorRef? _child;
    private string? _executor;

    /// <summary>The command being served, and who asked; null when idle (commands are stashed while one is served).</summary>
    private object? _current;
    private IActorRef? _asker;
    private int _attempts;
    private Phase _phase;
    private int _replayed;

    /// <summary>Deletions of events asked for and not answered yet (after snapshots, and the destroy's).</summary>
    private int _deletions;

    /// <summary>Why a deletion failed while the object was being destroyed.</summary>
    private string? _deletionFailure;

    /// <summary>The call whose state is being read, to be journaled with it.</summary>
    private DurableCallApplied? _pendingCall;

    public DurableObjectActor(string name, DurableObjectSettings settings)
    {
        _name = name;
        _settings = settings;
        PersistenceId = "akka-media-durable-" + name;
        JournalPluginId = settings.JournalPluginId;
        SnapshotPluginId = settings.SnapshotPluginId;

        Recover<DurableCreated>(created => Reset(created));
        Recover<DurableCallApplied>(Apply);
        Recover<SnapshotOffer>(offer =>
        {
            var snapshot = (DurableSnapshot)offer.Snapshot;
            Reset(snapshot.Created);
            _state = snapshot.State;
            _unsaved.AddRange(snapshot.Unsaved);
            _callsSinceSave = _unsaved.Count;
            foreach (var call in snapshot.Recent)
            {
                Remember(call);
            }
        });

        Command<IDurableObjectCommand>(command =>
        {
            if (_current is not null)
            {
                Stash.Stash();
                return;
            }

            Serve(command);
        });
        Command<RemoteObjectClientActor.Deployed>(deployed =>
        {
            if (_phase != Phase.Deploying || !Sender.Equals(_child))
            {
                return;
            }

            _executor = deployed.Executor;
            _log.Info("Durable object {Name} is live on executor {Executor} (session {SessionId})", _name, deployed.Executor, deployed.SessionId);
            _replayed = 0;
            ReplayThenRun();
        });
        Command<CallSucceeded>(done => OnReply(done, null));
        Command<CallFailed>(failed => OnReply(null, failed));
        Command<Status.Failure>(failure =>
        {
            if (Sender.Equals(_child))
            {
                SessionFailed(failure.Cause.Message);
            }
        });
        Command<Terminated>(terminated =>
        {
            if (terminated.ActorRef.Equals(_child))
            {
                SessionFailed("the object's session client stopped");
            }
        });
        Command<SaveSnapshotSuccess>(saved =>
        {
            _deletions++;
            DeleteMessages(saved.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(saved.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failed => _log.Warning("Durable object {Name}: a snapshot failed ({Reason}); the journal keeps every event", _name, failed.Cause.Message));
        Command<RemoteObjectClientActor.Closed>(_ => { });
        Command<DeleteMessagesSuccess>(_ => _deletions--);
        Command<DeleteMessagesFailure>(failed =>
        {
            _deletions--;
            _log.Warning("Durable object {Name}: events before a snapshot could not be deleted ({Reason})", _name, failed.Cause.Message);
        });
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning("Durable object {Name}: old snapshots could not be deleted ({Reason})", _name, failed.Cause.Message));
    }

    private enum Phase
    {
        Idle,
        Deploying,
        Replaying,
        Calling,
        SavingState,
        Reading,
        Destroying,
    }

    public override string PersistenceId { get; }

    /// <summary>The props of the entity of durable object <paramref name="name"/>.</summary>
    public static Props Props(string name, DurableObjectSettings settings) => Akka.Actor.Props.Create(() => new DurableObjectActor(name, settings));

    /// <summary>The session's child is never restarted (a restart would silently lose its session): it stops, and the entity deploys a new one.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void PostStop()
    {
        // Deactivated (idle, rebalanced, or the node stops): the session ends with it; its state is in the journal.
        _asker?.Tell(new DurableRefused($"Durable object '{_name}' was deactivated before it answered; call again.", _executor, Retry: true));
        base.PostStop();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _asker?.Tell(new DurableRefused($"Durable object '{_name}' could not persist its call ({cause.Message}); the call was not acknowledged. Check akka-media.durable's journal.", _executor));
        _asker = null;
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        // The journal refused the event (it could not be serialized or stored) and lives on: the call is not acknowledged.
        _log.Error(cause, "Durable object {Name}: the journal rejected an event", _name);
        Finish(new DurableRefused($"Durable object '{_name}': the journal rejected the call's record ({cause.Message}); the call was not acknowledged.", _executor));
    }

    private void Serve(IDurableObjectCommand command)
    {
        switch (command)
        {
            case ActivateDurable activate:
                Sender.Tell(Mismatch(activate.Interface) is { } wrong ? new DurableRefused(wrong, _executor) : new DurableActivation(_created is not null, _executor));
                return;
            case CreateDurable create when _created is not null:
                Sender.Tell(Mismatch(create.Interface) is { } different ? new DurableRefused(different, _executor) : new DurableActivation(true, _executor));
                return;
            case InvokeDurable invoke when _recent.TryGetValue(invoke.Key, out var known):
                // A retry of an acknowledged call: its stored reply, and the object is not called again.
                Sender.Tell(known.Reply);
                return;
            case DestroyDurable:
                Begin(command);
                Destroy();
                return;
            case CreateDurable create:
                Begin(command);
                _created = new DurableCreated(create.Interface, create.TypeName, create.Package, create.State, create.Policy);
                _state = create.State;
                Deploy();
                return;
            case InvokeDurable or GetDurableState when _created is null:
                Sender.Tell(new DurableRefused($"There is no durable object named '{_name}' (never created, or destroyed); RemoteObject.GetOrDeployAsync creates it.", null));
                return;
            default:
                Begin(command);
                if (_child is null)
                {
                    Deploy();
                }
                else
                {
                    Run();
                }

                return;
        }
    }

    /// <summary>
    /// The deploy failed, or the session ended (its executor died or left, its client stopped): nothing was acknowledged.
    /// A call under way is tried again on a new session from the persisted state, up to <c>call-attempts</c> times.
    /// </summary>
    private void SessionFailed(string reason)
    {
        DropSession();
        if (_current is null)
        {
            return;
        }

        if (_phase == Phase.Deploying || ++_attempts >= _settings.CallAttempts)
        {
            Finish(new DurableRefused($"Durable object '{_name}' could not run: {reason}", _executor));
            return;
        }

        _log.Warning("Durable object {Name}: its session ended ({Reason}); reactivating it from its last persisted state", _name, reason);
        Deploy();
    }

    private void Begin(object command)
    {
        _current = command;
        _asker = Sender;
        _attempts = 0;
    }

    /// <summary>Places the object from its last saved state (a fresh child, hence a fresh session).</summary>
    private void Deploy()
    {
        _phase = Phase.Deploying;
        var created = _created!;
        RemoteObjectSettings remote;
        try
        {
            remote = RemoteObjectSettings.Create(Context.System.Settings.Config, new RemoteObjectOptions
            {
                Transport = RemoteTransport.StreamRefs,
                CallTimeout = created.Policy.CallTimeout > TimeSpan.Zero ? created.Policy.CallTimeout : null,
            });
        }
        catch (ArgumentException e)
        {
            Finish(new DurableRefused(e.Message, null));
            return;
        }

        _child = Context.ActorOf(Akka.Actor.Props.Create(() => new RemoteObjectClientActor()), "session-" + RemoteNode.NewSessionId());
        Context.Watch(_child);
        _child.Tell(new RemoteObjectClientActor.Deploy(created.Package.ToPackage(), _state, created.TypeName, remote, TraceContext.None, null));
    }

    /// <summary>On a fresh session: replays the journaled calls the saved state lacks, one by one, then runs the current command.</summary>
    private void ReplayThenRun()
    {
        if (_replayed < _unsaved.Count)
        {
            _phase = Phase.Replaying;
            var call = _unsaved[_replayed];
            _child!.Tell(new RemoteObjectClientActor.Call(new InvokeObject(0, call.Method, call.Arguments)));
            return;
        }

        Run();
    }

    /// <summary>Runs the current command on the live session.</summary>
    private void Run()
    {
        switch (_current)
        {
            case CreateDurable:
                Persist(_created!, created =>
                {
                    _lastSave = Stopwatch.GetTimestamp();
                    Counted();
                    Finish(new DurableActivation(true, _executor));
                });
                return;
            case InvokeDurable invoke:
                _phase = Phase.Calling;
                _child!.Tell(new RemoteObjectClientActor.Call(new InvokeObject(0, invoke.Method, invoke.Arguments)));
                return;
            case GetDurableState:
                _phase = Phase.Reading;
                _child!.Tell(new RemoteObjectClientActor.Call(new GetObjectState(0)));
                return;
        }
    }

    private void OnReply(CallSucceeded? done, CallFailed? failed)
    {
        if (!Sender.Equals(_child))
        {
            return;
        }

        if (failed is { Failure: CallFailure.Timeout })
        {
            // The executor stopped the session: the state it had is gone, and so is whatever this call did.
            DropSession();
            Finish(Reply(null, failed));
            return;
        }

        switch (_phase)
        {
            case Phase.Replaying:
                _replayed++;
                ReplayThenRun();
                return;
            case Phase.Reading:
                Finish(Reply(done, failed));
                return;
            case Phase.Calling when failed is { Failure: CallFailure.Rejected }:
                // Not run: nothing to journal.
                Finish(Reply(null, failed));
                return;
            case Phase.Calling:
                var invoke = (InvokeDurable)_current!;
                var reply = Reply(done, failed);
                if (SaveDue())
                {
                    _phase = Phase.SavingState;
                    _pendingCall = new DurableCallApplied(invoke.Key, invoke.Method, [], reply, null);
                    _child!.Tell(new RemoteObjectClientActor.Call(new GetObjectState(0)));
                    return;
                }

                Acknowledge(new DurableCallApplied(invoke.Key, invoke.Method, invoke.Arguments, reply, null));
                return;
            case Phase.SavingState when done is not null:
                Acknowledge(_pendingCall! with { State = done.Result });
                return;
            case Phase.SavingState:
                // The state cannot be serialized now: journal the call itself, replayed from the last saved state.
                var call = (InvokeDurable)_current!;
                _log.Warning("Durable object {Name}: its state could not be read ({Reason}); the call is journaled for replay instead", _name, failed!.RemoteMessage);
                Acknowledge(_pendingCall! with { Arguments = call.Arguments });
                return;
        }
    }

    private void Acknowledge(DurableCallApplied call)
    {
        Persist(call, persisted =>
        {
            Apply(persisted);
            Counted();
            Finish(persisted.Reply);
        });
    }

    /// <summary>Applies a journaled call to the recovered record (recovery and after persisting).</summary>
    private void Apply(DurableCallApplied call)
    {
        if (call.State is { } state)
        {
            _state = state;
            _unsaved.Clear();
            _callsSinceSave = 0;
            _lastSave = Stopwatch.GetTimestamp();
        }
        else
        {
            _unsaved.Add(call);
            _callsSinceSave++;
        }

        Remember(call with { Arguments = [], State = null });
    }

    private void Remember(DurableCallApplied call)
    {
        if (_recent.TryAdd(call.Key, call))
        {
            _recentOrder.Enqueue(call.Key);
        }

        while (_recentOrder.Count > _settings.RememberedCalls)
        {
            _recent.Remove(_recentOrder.Dequeue());
        }
    }

    private bool SaveDue()
    {
        var policy = _created!.Policy;
        return _callsSinceSave + 1 >= policy.SaveEvery
            || (policy.SaveInterval > TimeSpan.Zero && Stopwatch.GetElapsedTime(_lastSave) >= policy.SaveInterval);
    }

    /// <summary>Counts a persisted event; every <c>snapshot-every</c> events the whole record is saved as a snapshot, and the events before it are deleted once it is.</summary>
    private void Counted()
    {
        if (++_eventsSinceSnapshot < _settings.SnapshotEvery)
        {
            return;
        }

        _eventsSinceSnapshot = 0;
        SaveSnapshot(new DurableSnapshot(_created!, _state, _unsaved.ToArray(), _recentOrder.Select(k => _recent[k]).ToArray()));
    }

    private void Destroy()
    {
        _phase = Phase.Destroying;
        CloseSession();
        BecomeStacked(Destroying);
        DeleteSnapshots(new SnapshotSelectionCriteria(long.MaxValue));
        _deletions++;
        DeleteMessages(long.MaxValue);
    }

    private void Destroying()
    {
        Command<DeleteMessagesSuccess>(_ => Deleted(null));
        Command<DeleteMessagesFailure>(failed => Deleted(failed.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failed => _log.Warning("Durable object {Name}: its snapshots could not be deleted ({Reason})", _name, failed.Cause.Message));
        Command<RemoteObjectClientActor.Closed>(_ => { });
        CommandAny(_ => Stash.Stash());
    }

    /// <summary>
    /// One deletion of events answered (<paramref name="failure"/> null when it succeeded). They answer in the order they
    /// were asked: the destroy's is the last one, after any a snapshot asked for.
    /// </summary>
    private void Deleted(string? failure)
    {
        _deletionFailure ??= failure;
        if (--_deletions > 0)
        {
            return;
        }

        UnbecomeStacked();
        if (_deletionFailure is { } reason)
        {
            _deletionFailure = null;
            Finish(new DurableRefused($"Durable object '{_name}' could not delete its persisted state ({reason}); call DestroyAsync again.", null));
            return;
        }

        _created = null;
        _state = [];
        _unsaved.Clear();
        _recent.Clear();
        _recentOrder.Clear();
        _callsSinceSave = 0;
        _eventsSinceSnapshot = 0;
        _log.Info("Durable object {Name} destroyed: its instance and persisted state are gone", _name);
        Finish(new DurableDestroyed(_name));
    }

    private void Finish(object reply)
    {
        if (_current is CreateDurable && reply is DurableRefused)
        {
            // A creation whose deploy failed leaves nothing behind: the next GetOrDeploy starts over.
            _created = null;
            _state = [];
        }

        _asker?.Tell(reply);
        _asker = null;
        _current = null;
        _phase = Phase.Idle;
        _pendingCall = null;
        if (_created is null)
        {
            CloseSession();
        }

        Stash.UnstashAll();
    }

    /// <summary>Ends the session on purpose: the child closes it and stops.</summary>
    private void CloseSession()
    {
        if (_child is not null)
        {
            Context.Unwatch(_child);
            _child.Tell(RemoteObjectClientActor.Close.Instance);
            _child = null;
        }
    }

    /// <summary>Forgets a session that ended by itself (or whose deploy failed).</summary>
    private void DropSession()
    {
        if (_child is not null)
        {
            Context.Unwatch(_child);
            Context.Stop(_child);
            _child = null;
        }
    }

    private void Reset(DurableCreated created)
    {
        _created = created;
        _state = created.State;
        _unsaved.Clear();
        _callsSinceSave = 0;
    }

    private string? Mismatch(string @interface) =>
        _created is null || _created.Interface == @interface
            ? null
            : $"Durable object '{_name}' is a {_created.TypeName} called through {_created.Interface}, not through {@interface}; use another name, or DestroyAsync it first.";

    private DurableReply Reply(CallSucceeded? done, CallFailed? failed) =>
        failed is null
            ? DurableReply.Success(done!.Result, _executor ?? "")
            : new DurableReply([], failed.Failure, failed.RemoteType, failed.RemoteMessage, failed.RemoteStackTrace, _executor ?? "");
}

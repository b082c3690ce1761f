using System.Diagnostics.CodeAnalysis;
using Akka.Actor;

namespace AkkaMedia.Nodes;

/// <summary>
/// Key/value state that outlives a stream: one <see cref="SessionState"/> per session key (a caller, a conversation,
/// a device), shared by every node of this actor system that asks for the same key, kept for
/// <see cref="TimeToLive"/> after its last use and at most <see cref="MaxSessions"/> of them (the least recently used
/// one is dropped to make room). Nodes reach the store of the node they run on through
/// <see cref="NodeContext.SessionStates"/>; operators list it with the admin command <c>media state</c>.
/// </summary>
/// <remarks>
/// <para>The state lives in the memory of one process (an executor's, or the client's for local stages): it survives
/// the end of a stream and a new stream with the same key finds it, but not the death of that process (for state that
/// must, see durable objects in docs/fault-tolerance.md). Thread-safe: sessions of many streams use it at once.</para>
/// <para>Expiry is checked when a state is looked up and, at most once a second, over the least recently used states
/// when one is created; an expired state is never returned. A state still held and used by a node stays: every read
/// or write counts as a use, and one that was dropped while held is put back on its next use when its key is free.</para>
/// </remarks>
public sealed class SessionStateStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<SessionState>> _states = new(StringComparer.Ordinal);
    private readonly LinkedList<SessionState> _byUse = new();
    private readonly TimeProvider _time;
    private DateTimeOffset _lastSweep;
    private long _expired;
    private long _evicted;

    /// <summary>A store keeping each state <paramref name="timeToLive"/> after its last use, at most <paramref name="maxSessions"/> states.</summary>
    /// <param name="timeToLive">How long an unused state is kept; positive.</param>
    /// <param name="maxSessions">How many states are kept at most; at least 1.</param>
    /// <param name="time">The clock (tests give a fake one); the system clock when null.</param>
    public SessionStateStore(TimeSpan timeToLive, int maxSessions, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSessions, 1);
        TimeToLive = timeToLive;
        MaxSessions = maxSessions;
        _time = time ?? TimeProvider.System;
        _lastSweep = _time.GetUtcNow();
    }

    /// <summary>How long a state is kept after its last use.</summary>
    public TimeSpan TimeToLive { get; }

    /// <summary>How many states are kept at most.</summary>
    public int MaxSessions { get; }

    /// <summary>States kept now (expired ones not yet swept included until the next lookup or sweep).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _states.Count;
            }
        }
    }

    /// <summary>States dropped because they went unused for <see cref="TimeToLive"/>.</summary>
    public long Expired => Interlocked.Read(ref _expired);

    /// <summary>States dropped to keep the store at <see cref="MaxSessions"/>.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>
    /// The store of <paramref name="system"/>, configured by <c>akka-media.session-state</c> (<c>time-to-live</c>,
    /// <c>max-sessions</c>); created on first use.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the parameter name is its key.</exception>
    public static SessionStateStore Get(ActorSystem system) => system.WithExtension<SessionStateExtension, SessionStateExtension.Provider>().Store;

    /// <summary>The state of <paramref name="sessionKey"/>, created empty when there is none (or it expired).</summary>
    /// <exception cref="ArgumentException"><paramref name="sessionKey"/> is empty.</exception>
    public SessionState GetOrCreate(string sessionKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionKey);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (Find(sessionKey, now) is { } found)
            {
                Use(found, now);
                return found.Value;
            }

            if (now - _lastSweep >= TimeSpan.FromSeconds(1))
            {
                _lastSweep = now;
                SweepExpired(now);
            }

            var state = new SessionState(this, sessionKey, now);
            Attach(state);
            return state;
        }
    }

    /// <summary>The state of <paramref name="sessionKey"/> when there is one that has not expired; it counts as a use.</summary>
    public bool TryGet(string sessionKey, [NotNullWhen(true)] out SessionState? state)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (Find(sessionKey, now) is { } found)
            {
                Use(found, now);
                state = found.Value;
                return true;
            }

            state = null;
            return false;
        }
    }

    /// <summary>Drops the state of <paramref name="sessionKey"/>; false when there was none.</summary>
    public bool Remove(string sessionKey)
    {
        lock (_gate)
        {
            if (!_states.Remove(sessionKey, out var node))
            {
                return false;
            }

            _byUse.Remove(node);
            return true;
        }
    }

    /// <summary>The states kept and not expired, most recently used first; reading them does not count as a use.</summary>
    public IReadOnlyList<SessionState> Snapshot()
    {
        lock (_gate)
        {
            SweepExpired(_time.GetUtcNow());
            return [.. _byUse];
        }
    }

    /// <summary>A read or write of <paramref name="state"/>: it moves to the front, and comes back when it had been dropped.</summary>
    internal DateTimeOffset Touch(SessionState state)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_states.TryGetValue(state.Key, out var node))
            {
                if (ReferenceEquals(node.Value, state))
                {
                    Use(node, now);
                }
            }
            else
            {
                Attach(state);
            }

            return now;
        }
    }

    private LinkedListNode<SessionState>? Find(string sessionKey, DateTimeOffset now)
    {
        if (!_states.TryGetValue(sessionKey, out var node))
        {
            return null;
        }

        if (now - node.Value.LastUsed < TimeToLive)
        {
            return node;
        }

        _states.Remove(sessionKey);
        _byUse.Remove(node);
        _expired++;
        return null;
    }

    private void Use(LinkedListNode<SessionState> node, DateTimeOffset now)
    {
        node.Value.LastUsed = now;
        if (node != _byUse.First)
        {
            _byUse.Remove(node);
            _byUse.AddFirst(node);
        }
    }

    private void Attach(SessionState state)
    {
        while (_states.Count >= MaxSessions && _byUse.Last is { } oldest)
        {
            _states.Remove(oldest.Value.Key);
            _byUse.RemoveLast();
            _evicted++;
        }

        _states[state.Key] = _byUse.AddFirst(state);
    }

    private void SweepExpired(DateTimeOffset now)
    {
        while (_byUse.Last is { } oldest && now - oldest.Value.LastUsed >= TimeToLive)
        {
            _states.Remove(oldest.Value.Key);
            _byUse.RemoveLast();
            _expired++;
        }
    }
}

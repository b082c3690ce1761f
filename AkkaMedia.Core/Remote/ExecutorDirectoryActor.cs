using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Protocol;
using static AkkaMedia.Remote.ExecutorDirectoryProtocol;

namespace AkkaMedia.Remote;

/// <summary>
/// Follows cluster membership and keeps, for every reachable member that is up, its roles and its
/// last reported load (polled once a second). Answers <see cref="GetExecutors"/> least loaded first.
/// </summary>
internal sealed class ExecutorDirectoryActor : ReceiveActor, IWithTimers
{
    public const string ExecutorPath = "/user/akka-media-executor";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    private readonly Dictionary<Address, Entry> _members = [];
    private readonly List<(IActorRef Requester, GetExecutors Request)> _waiting = [];
    private readonly HashSet<string> _roles = ["executor"];
    private readonly Cluster? _cluster;

    public ExecutorDirectoryActor()
    {
        if (((ExtendedActorSystem)Context.System).Provider is Akka.Cluster.ClusterActorRefProvider)
        {
            _cluster = Cluster.Get(Context.System);
        }

        Receive<ClusterEvent.MemberUp>(e => Upsert(e.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(e => Upsert(e.Member));
        Receive<ClusterEvent.IMemberEvent>(e =>
        {
            if (e.Member.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed)
            {
                _members.Remove(e.Member.Address);
            }
        });
        Receive<ClusterEvent.UnreachableMember>(e =>
        {
            if (_members.TryGetValue(e.Member.Address, out var entry))
            {
                entry.Reachable = false;
            }
        });
        Receive<ClusterEvent.ReachableMember>(e =>
        {
            if (_members.TryGetValue(e.Member.Address, out var entry))
            {
                entry.Reachable = true;
            }
        });
        Receive<ExecutorStatus>(s =>
        {
            var address = Sender.Path.Address;
            if (_members.TryGetValue(address, out var entry))
            {
                var wasSuspected = entry.Suspected;
                entry.Suspected = false;
                entry.Reported = s.ActiveSessions;
                entry.Placed = 0;
                entry.MaxSessions = s.MaxSessions;
                entry.Accepting = s.Accepting;
                if (wasSuspected)
                {
                    AnswerWaiting();
                }
            }
        });
        Receive<ExecutorSuspected>(suspected =>
        {
            var entry = EntryAt(suspected.Address);
            if (entry is not null)
            {
                entry.Suspected = true;
            }
        });
        Receive<SessionPlaced>(p =>
        {
            var entry = EntryAt(p.Address);
            if (entry is not null)
            {
                entry.Placed++;
            }
        });
        Receive<Poll>(_ =>
        {
            foreach (var entry in _members.Values.Where(m => m.Roles.Overlaps(_roles)))
            {
                Context.ActorSelection(entry.Address + ExecutorPath).Tell(GetExecutorStatus.Instance);
            }
        });
        Receive<GetExecutors>(request =>
        {
            _roles.Add(request.Role);
            var found = Select(request.Role);
            if (found.Count > 0 || request.Deadline <= DateTime.UtcNow)
            {
                Reply(Sender, request, found);
                return;
            }

            _waiting.Add((Sender, request));
            Timers.StartSingleTimer(request, new WaitExpired(Sender, request), request.Deadline - DateTime.UtcNow);
        });
        Receive<WaitExpired>(expired =>
        {
            if (_waiting.Remove((expired.Requester, expired.Request)))
            {
                expired.Requester.Tell(new Executors([]));
            }
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        _cluster?.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("poll", Poll.Instance, PollInterval);
    }

    protected override void PostStop() => _cluster?.Unsubscribe(Self);

    private void Upsert(Member member)
    {
        if (!_members.ContainsKey(member.Address))
        {
            _members[member.Address] = new Entry(member.Address, member.Roles);
            if (member.Roles.Overlaps(_roles))
            {
                Context.ActorSelection(member.Address + ExecutorPath).Tell(GetExecutorStatus.Instance);
            }
        }

        AnswerWaiting();
    }

    /// <summary>Answers every request waiting for an executor of its role that now has one.</summary>
    private void AnswerWaiting()
    {
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            var (requester, request) = _waiting[i];
            var found = Select(request.Role);
            if (found.Count > 0)
            {
                Reply(requester, request, found);
                _waiting.RemoveAt(i);
            }
        }
    }

    private void Reply(IActorRef requester, GetExecutors request, List<ExecutorInfo> found)
    {
        if (request.Reserve && found.Count > 0)
        {
            EntryAt(found[0].Address)!.Placed++;
        }

        requester.Tell(new Executors(found));
    }

    /// <summary>The member whose address reads <paramref name="address"/>, as messages name it; null when it is not one.</summary>
    private Entry? EntryAt(string address) => _members.Values.FirstOrDefault(m => m.Address.ToString() == address);

    private List<ExecutorInfo> Select(string role) =>
        _members.Values
            .Where(m => m.Reachable && !m.Suspected && m.Accepting && m.Roles.Contains(role))
            .OrderBy(m => m.MaxSessions == 0 ? 0.0 : (double)(m.Reported + m.Placed) / m.MaxSessions)
            .ThenBy(m => m.Reported + m.Placed)
            .ThenBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new ExecutorInfo(m.Address.ToString(), role, m.Reported + m.Placed, m.MaxSessions))
            .ToList();

    private sealed class Entry(Address address, IImmutableSet<string> roles)
    {
        public Address Address { get; } = address;

        public IImmutableSet<string> Roles { get; } = roles;

        public bool Reachable { get; set; } = true;

        public bool Accepting { get; set; } = true;

        /// <summary>A media link to it ended from its side, and it has not answered a status poll since.</summary>
        public bool Suspected { get; set; }

        public int Reported { get; set; }

        public int Placed { get; set; }

        public int MaxSessions { get; set; }
    }
}

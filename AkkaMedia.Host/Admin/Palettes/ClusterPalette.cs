using System.Globalization;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Host.Hosting;

namespace AkkaMedia.Host.Admin.Palettes;

/// <summary>The <c>cluster</c> palette: membership as this node sees it, leave, down, and a tail of membership events.</summary>
internal static class ClusterPalette
{
    public static Task RunAsync(AdminCommandInfo command, AdminContext context)
    {
        var cluster = Cluster.Get(context.System);
        return command.Name switch
        {
            "show" => context.WriteAsync(Show(cluster)),
            "leader" => context.WriteAsync(cluster.State.Leader?.ToString() ?? "no leader (the cluster has no up members yet)"),
            "leave" => LeaveAsync(cluster, context, command),
            "down" => DownAsync(cluster, context, command),
            "down-unreachable" => DownUnreachableAsync(cluster, context),
            "tail" => TailAsync(context),
            _ => throw new AdminCommandException($"Unknown cluster command '{command.Name}'."),
        };
    }

    /// <summary>One line per member, ordered by address: address, status, roles, and flags.</summary>
    internal static string Show(Cluster cluster)
    {
        var state = cluster.State;
        var lines = new List<string>
        {
            $"{state.Members.Count} member(s), leader {state.Leader?.ToString() ?? "(none)"}, this node {cluster.SelfAddress}",
        };
        foreach (var member in state.Members.OrderBy(m => m.Address.ToString(), StringComparer.Ordinal))
        {
            var flags = new List<string>();
            if (member.Address.Equals(state.Leader))
            {
                flags.Add("leader");
            }

            if (member.Address.Equals(cluster.SelfAddress))
            {
                flags.Add("self");
            }

            if (state.Unreachable.Contains(member))
            {
                flags.Add("unreachable");
            }

            lines.Add($"{member.Address}  {member.Status}  [{string.Join(", ", member.Roles.OrderBy(r => r, StringComparer.Ordinal))}]{(flags.Count > 0 ? "  " + string.Join(" ", flags) : string.Empty)}");
        }

        return string.Join('\n', lines);
    }

    private static Address Member(Cluster cluster, string text)
    {
        Address address;
        var tls = cluster.SelfAddress.Protocol == AkkaMedia.Client.ClusterSeeds.Protocol(tls: true);
        try
        {
            address = Address.Parse(ClusterNodeOptions.NormalizeSeed(text, tls));
        }
        catch (Exception e) when (e is ArgumentException or UriFormatException)
        {
            throw new AdminCommandException(
                $"'{text}' is not an address: use host:port (127.0.0.1:4053) or {AkkaMedia.Client.ClusterSeeds.Protocol(tls)}://{ClusterNodeOptions.SystemName}@host:port.");
        }

        var state = cluster.State;
        if (!state.Members.Any(m => m.Address.Equals(address)) && !state.Unreachable.Any(m => m.Address.Equals(address)))
        {
            throw new AdminCommandException(
                $"{address} is not a member of the cluster. Members: {string.Join(", ", state.Members.Select(m => m.Address.ToString()))}.");
        }

        return address;
    }

    private static Task LeaveAsync(Cluster cluster, AdminContext context, AdminCommandInfo command)
    {
        var address = Member(cluster, context.Arg(0, command.Usage));
        if (address.Equals(cluster.SelfAddress))
        {
            return LeaveSelfAsync(context, address);
        }

        cluster.Leave(address);
        return context.WriteAsync($"{address} asked to leave the cluster");
    }

    /// <summary>
    /// This node leaves through coordinated shutdown, as on SIGTERM: its executor drains first (new sessions refused, running
    /// ones finish or fail at the drain timeout) while it is still an Up member, then it leaves and the process exits 0.
    /// </summary>
    private static async Task LeaveSelfAsync(AdminContext context, Address address)
    {
        await context.WriteAsync($"{address} asked to leave the cluster (this node: it drains its sessions, leaves and stops)").ConfigureAwait(false);
        _ = CoordinatedShutdown.Get(context.System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);
    }

    private static Task DownAsync(Cluster cluster, AdminContext context, AdminCommandInfo command)
    {
        var address = Member(cluster, context.Arg(0, command.Usage));
        cluster.Down(address);
        return context.WriteAsync($"{address} marked down");
    }

    private static async Task DownUnreachableAsync(Cluster cluster, AdminContext context)
    {
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToList();
        if (unreachable.Count == 0)
        {
            await context.WriteAsync("no unreachable members").ConfigureAwait(false);
            return;
        }

        foreach (var address in unreachable)
        {
            cluster.Down(address);
            await context.WriteAsync($"{address} marked down").ConfigureAwait(false);
        }
    }

    private static async Task TailAsync(AdminContext context)
    {
        var lines = Channel.CreateBounded<string>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        var tail = context.System.ActorOf(Props.Create(() => new ClusterEventTailActor(lines.Writer)));
        try
        {
            await context.WriteAsync($"cluster events seen by {Cluster.Get(context.System).SelfAddress} (current members first); Ctrl-C to stop").ConfigureAwait(false);
            await foreach (var line in lines.Reader.ReadAllAsync(context.Cancellation).ConfigureAwait(false))
            {
                await context.WriteAsync(line).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            // The client went away: the normal end of a tail.
        }
        finally
        {
            context.System.Stop(tail);
        }
    }

    /// <summary>Subscribes to cluster events and turns each into a line for a tail; unsubscribes when stopped.</summary>
    private sealed class ClusterEventTailActor : ReceiveActor
    {
        public ClusterEventTailActor(ChannelWriter<string> lines)
        {
            Receive<ClusterEvent.IClusterDomainEvent>(e =>
            {
                var text = e switch
                {
                    ClusterEvent.IMemberEvent m => $"{m.GetType().Name} {m.Member.Address} [{string.Join(", ", m.Member.Roles)}] status {m.Member.Status}",
                    ClusterEvent.UnreachableMember u => $"Unreachable {u.Member.Address}",
                    ClusterEvent.ReachableMember r => $"Reachable {r.Member.Address}",
                    ClusterEvent.LeaderChanged l => $"LeaderChanged {l.Leader?.ToString() ?? "(none)"}",
                    _ => null,
                };
                if (text is not null)
                {
                    lines.TryWrite($"{DateTime.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {text}");
                }
            });
        }

        protected override void PreStart() => Cluster.Get(Context.System).Subscribe(
            Self,
            ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent),
            typeof(ClusterEvent.IReachabilityEvent),
            typeof(ClusterEvent.LeaderChanged));

        protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);
    }
}

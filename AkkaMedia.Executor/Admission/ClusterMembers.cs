using Akka.Actor;
using Akka.Cluster;

namespace AkkaMedia.Executor.Admission;

/// <summary>Who a request comes from, as the executor's admission rules see it: the cluster member at a sender's address.</summary>
internal static class ClusterMembers
{
    /// <summary>
    /// The member of <paramref name="cluster"/> at <paramref name="address"/> (a local address means this node), counting
    /// a node as one from joining until it exits; null for any other.
    /// </summary>
    public static Member? At(Cluster cluster, Address address)
    {
        var remote = address.HasLocalScope ? cluster.SelfAddress : address;
        return cluster.State.Members.FirstOrDefault(m => m.Address == remote && m.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up or MemberStatus.Leaving);
    }
}

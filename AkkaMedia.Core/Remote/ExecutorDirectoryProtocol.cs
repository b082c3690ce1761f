using Akka.Actor;

namespace AkkaMedia.Remote;

/// <summary>Messages of the client-side <see cref="ExecutorDirectoryActor"/>.</summary>
internal static class ExecutorDirectoryProtocol
{
    /// <summary>Reply with the reachable executors of <paramref name="Role"/>, least loaded first, waiting until <paramref name="Deadline"/> for one to appear.</summary>
    public sealed record GetExecutors(string Role, DateTime Deadline);

    public sealed record Executors(IReadOnlyList<ExecutorInfo> Items);

    /// <summary>A session was opened on <paramref name="Address"/>: count it until the next status report.</summary>
    public sealed record SessionPlaced(string Address);

    public sealed class Poll
    {
        public static readonly Poll Instance = new();

        private Poll()
        {
        }
    }

    public sealed record WaitExpired(IActorRef Requester, GetExecutors Request);
}

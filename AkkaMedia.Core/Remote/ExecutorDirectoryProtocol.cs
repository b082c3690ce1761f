using Akka.Actor;

namespace AkkaMedia.Remote;

/// <summary>Messages of the client-side <see cref="ExecutorDirectoryActor"/>.</summary>
internal static class ExecutorDirectoryProtocol
{
    /// <summary>
    /// Reply with the reachable executors of <paramref name="Role"/>, least loaded first, waiting until
    /// <paramref name="Deadline"/> for one to appear. With <paramref name="Reserve"/> the requester is about to
    /// open a session on the first one: it is counted there at once, so that concurrent requests spread.
    /// </summary>
    public sealed record GetExecutors(string Role, DateTime Deadline, bool Reserve = false);

    public sealed record Executors(IReadOnlyList<ExecutorInfo> Items);

    /// <summary>A session was opened on <paramref name="Address"/>, which was not reserved for it: count it until the next status report.</summary>
    public sealed record SessionPlaced(string Address);

    /// <summary>A media link to <paramref name="Address"/> ended from its side: place nothing there until it answers a status poll.</summary>
    public sealed record ExecutorSuspected(string Address);

    public sealed class Poll
    {
        public static readonly Poll Instance = new();

        private Poll()
        {
        }
    }

    public sealed record WaitExpired(IActorRef Requester, GetExecutors Request);
}

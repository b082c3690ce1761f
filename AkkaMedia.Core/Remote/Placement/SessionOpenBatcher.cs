using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote.Placement;

/// <summary>
/// Sends a client's <see cref="OpenSession"/> requests for one executor, several in one <see cref="OpenSessions"/>
/// message when several are waiting, and hands each answer of the executor's <see cref="SessionsAnswered"/> to the
/// member's own requester (its remote stage actor). One per executor address, a system actor made on first use
/// (<see cref="For"/>).
/// </summary>
/// <remarks>
/// <para>Coalescing costs no timer: a request queues and the batcher tells itself to send, so every request that reached
/// its mailbox before that message goes in the same batch (a wave of streams started together), and a lone request goes
/// at once, as a plain <see cref="OpenSession"/> whose answer goes straight to its requester.</para>
/// <para>A batch carries at most <see cref="MaxMembers"/> members and about <see cref="MaxBytes"/> bytes (Akka.Remote
/// drops messages over its frame size without telling anyone). Each requester keeps its own attempt timeout: an answer
/// that never comes (the executor is gone, the session stopped before it opened) is handled there, and its entry here
/// is forgotten after <see cref="ForgetAfter"/>.</para>
/// </remarks>
internal sealed class SessionOpenBatcher : ReceiveActor
{
    /// <summary>The most requests one batch carries.</summary>
    internal const int MaxMembers = 64;

    /// <summary>About the most bytes of requests one batch carries, far below Akka.Remote's default frame size of 128,000 bytes.</summary>
    internal const int MaxBytes = 48_000;

    /// <summary>How long a request whose answer has not come is remembered (its requester gave up long before).</summary>
    internal static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(10);

    private readonly ActorSelection _executor;
    private readonly List<(OpenSession Request, IActorRef Requester)> _queue = [];
    private readonly Dictionary<string, (IActorRef Requester, long Since)> _waiting = new(StringComparer.Ordinal);
    private bool _sendQueued;

    public SessionOpenBatcher(string executorAddress)
    {
        _executor = Context.ActorSelection(executorAddress + ExecutorDirectoryActor.ExecutorPath);
        Receive<OpenSession>(request =>
        {
            _queue.Add((request, Sender));
            if (!_sendQueued)
            {
                _sendQueued = true;
                Self.Tell(Send.Instance);
            }
        });
        Receive<Send>(_ =>
        {
            _sendQueued = false;
            SendQueued();
        });
        Receive<SessionsAnswered>(answers =>
        {
            foreach (var opened in answers.Opened)
            {
                Forward(opened.SessionId, opened);
            }

            foreach (var refused in answers.Refused)
            {
                Forward(refused.SessionId, refused);
            }
        });
    }

    /// <summary>The batcher of <paramref name="executorAddress"/> (<c>akka.tcp://media@host:port</c>) in <paramref name="system"/>.</summary>
    public static IActorRef For(ActorSystem system, string executorAddress) => system.WithExtension<Batchers, BatchersProvider>().For(executorAddress);

    private void SendQueued()
    {
        var batch = new List<OpenSession>(Math.Min(_queue.Count, MaxMembers));
        var bytes = 0;
        foreach (var (request, requester) in _queue)
        {
            var size = 256 + request.SessionId.Length + request.NodeType.Length + request.Settings.Length + (request.TraceState?.Length ?? 0);
            if (batch.Count == MaxMembers || (batch.Count > 0 && bytes + size > MaxBytes))
            {
                Tell(batch);
                batch = new List<OpenSession>(MaxMembers);
                bytes = 0;
            }

            batch.Add(request);
            bytes += size;
            _waiting[request.SessionId] = (requester, Stopwatch.GetTimestamp());
        }

        Tell(batch);
        _queue.Clear();
        ForgetStale();
    }

    private void Tell(List<OpenSession> batch)
    {
        if (batch.Count == 1)
        {
            // Alone: the plain request, answered straight to its requester.
            var request = batch[0];
            _executor.Tell(request, _waiting.Remove(request.SessionId, out var waiting) ? waiting.Requester : ActorRefs.NoSender);
        }
        else if (batch.Count > 1)
        {
            _executor.Tell(new OpenSessions(batch, Self), Self);
        }
    }

    private void Forward(string sessionId, object answer)
    {
        if (_waiting.Remove(sessionId, out var waiting))
        {
            waiting.Requester.Tell(answer, Sender);
        }
    }

    private void ForgetStale()
    {
        if (_waiting.Count == 0)
        {
            return;
        }

        foreach (var (sessionId, waiting) in _waiting.ToList())
        {
            if (Stopwatch.GetElapsedTime(waiting.Since) > ForgetAfter)
            {
                _waiting.Remove(sessionId);
            }
        }
    }

    private sealed class Send
    {
        public static readonly Send Instance = new();
    }

    /// <summary>The batchers of one actor system, one per executor address.</summary>
    private sealed class Batchers(ExtendedActorSystem system) : IExtension
    {
        private readonly ConcurrentDictionary<string, Lazy<IActorRef>> _batchers = new(StringComparer.Ordinal);
        private int _count;

        public IActorRef For(string executorAddress) => _batchers.GetOrAdd(
            executorAddress,
            address => new Lazy<IActorRef>(() => system.SystemActorOf(
                Props.Create(() => new SessionOpenBatcher(address)),
                "akka-media-open-batcher-" + Interlocked.Increment(ref _count)))).Value;
    }

    private sealed class BatchersProvider : ExtensionIdProvider<Batchers>
    {
        public override Batchers CreateExtension(ExtendedActorSystem system) => new(system);
    }
}

using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Link;

namespace AkkaMedia.Remote;

/// <summary>
/// The client half of one materialized remote stage: places the session on an executor (trying the
/// next when one is at capacity), connects the stage's data path (StreamRefs or the media link),
/// watches the session and fails the stage when its executor's node is gone, and closes the session
/// when the stream ends.
/// </summary>
internal sealed class RemoteStageActor : ReceiveActor
{
    private readonly string _sessionId;
    private readonly string _nodeType;
    private readonly string _settingsText;
    private readonly RemoteStageSettings _settings;
    private readonly SharedKillSwitch? _killSwitch;
    private readonly TaskCompletionSource<Source<object, NotUsed>>? _output;
    private readonly Queue<string> _candidates = new();
    private readonly List<string> _refusals = [];
    private ISourceRef<object>? _input;
    private ILinkStageControl? _link;
    private string? _executor;
    private IActorRef? _session;
    private ICancelable? _attemptTimeout;

    /// <summary>
    /// For the StreamRef transport: the return stream is handed out through <paramref name="output"/> and
    /// <paramref name="killSwitch"/> stops both directions. Both are null for the media link, whose stage
    /// fails through its <see cref="ILinkStageControl"/>.
    /// </summary>
    public RemoteStageActor(string sessionId, string nodeType, string settingsText, RemoteStageSettings settings, SharedKillSwitch? killSwitch, TaskCompletionSource<Source<object, NotUsed>>? output)
    {
        _sessionId = sessionId;
        _nodeType = nodeType;
        _settingsText = settingsText;
        _settings = settings;
        _killSwitch = killSwitch;
        _output = output;
        Placing();
    }

    /// <summary>StreamRef transport: the stage's input is offered as <paramref name="Input"/>; start placing.</summary>
    public sealed record InputReady(ISourceRef<object> Input);

    /// <summary>Media link transport: the stage is ready to be bound through <paramref name="Control"/>; start placing.</summary>
    public sealed record LinkStageReady(ILinkStageControl Control);

    public sealed record StreamEnded(Exception? Error);

    private sealed record Candidates(IReadOnlyList<ExecutorInfo> Items);

    private sealed record AttemptTimedOut(string Executor);

    private sealed record LinkConnected(MediaLink Link);

    private void Placing()
    {
        Receive<InputReady>(ready =>
        {
            _input = ready.Input;
            FindExecutors();
        });
        Receive<LinkStageReady>(ready =>
        {
            _link = ready.Control;
            FindExecutors();
        });
        Receive<Candidates>(found =>
        {
            if (found.Items.Count == 0)
            {
                Fail(new RemoteStageException(
                    $"No node with role '{_settings.ExecutorRole}' answered within {_settings.OpenTimeout.TotalSeconds:0.#} s, so remote stage '{_nodeType}' cannot start. " +
                    "Start an executor (akkamedia node --roles executor) and check that this process joins its cluster (seeds)."));
                return;
            }

            foreach (var candidate in found.Items)
            {
                _candidates.Enqueue(candidate.Address);
            }

            TryNext();
        });
        Receive<SessionOpened>(opened =>
        {
            _attemptTimeout?.Cancel();
            _session = opened.Session;
            Context.Watch(_session);
            ExecutorDirectory.Get(Context.System).SessionPlaced(_executor!);
            if (_link is not null)
            {
                if (opened.LinkEndpoint is null)
                {
                    Fail(new RemoteStageException($"Executor {_executor} does not offer a media link; use the StreamRefs transport with it.", _executor));
                    return;
                }

                LinkClient.Get(Context.System)
                    .GetAsync(opened.LinkEndpoint, _executor!, _settings.HeartbeatInterval, _settings.IdleTimeout, _settings.OpenTimeout)
                    .PipeTo(Self, success: link => new LinkConnected(link), failure: e => new Status.Failure(e));
                Become(Running);
                return;
            }

            var executor = _executor!;
            var nodeType = _nodeType;
            var idle = _settings.IdleTimeout;
            _output!.TrySetResult(opened.Output!.Source
                .IdleTimeout(idle)
                .SelectError(e => e is TimeoutException
                    ? new RemoteStageException($"Remote stage '{nodeType}' on executor {executor} sent nothing for {idle.TotalMilliseconds:0} ms; the executor is presumed dead.", executor, e)
                    : e is RemoteStageException ? e : new RemoteStageException($"Remote stage '{nodeType}' on executor {executor} failed: {e.Message}", executor, e))
                .Where(static e => e is not StreamHeartbeat));
            Become(Running);
        });
        Receive<SessionRefused>(refused =>
        {
            _attemptTimeout?.Cancel();
            if (refused.Reason is RefusalReason.AtCapacity or RefusalReason.ShuttingDown)
            {
                _refusals.Add($"{_executor}: {refused.Message}");
                TryNext();
                return;
            }

            Fail(new RemoteStageException(refused.Message, _executor));
        });
        Receive<AttemptTimedOut>(timedOut =>
        {
            if (timedOut.Executor == _executor)
            {
                _refusals.Add($"{_executor}: no answer within {_settings.OpenTimeout.TotalSeconds:0.#} s");
                TryNext();
            }
        });
        Receive<Status.Failure>(failure => Fail(failure.Cause as RemoteStageException
            ?? new RemoteStageException($"Remote stage '{_nodeType}' could not be placed: {failure.Cause.Message}", _executor, failure.Cause)));
        Receive<StreamEnded>(_ => Context.Stop(Self));
    }

    private void Running()
    {
        Receive<LinkConnected>(connected =>
        {
            var channel = LinkClient.Get(Context.System).NextChannel();
            _link!.Open(connected.Link, channel, _sessionId);
        });
        Receive<Status.Failure>(failure => Fail(failure.Cause as RemoteStageException
            ?? new RemoteStageException($"Remote stage '{_nodeType}' lost its executor {_executor}: {failure.Cause.Message}", _executor, failure.Cause)));
        Receive<Terminated>(terminated =>
        {
            if (terminated.AddressTerminated)
            {
                Abort(new RemoteStageException(
                    $"Executor {_executor} running remote stage '{_nodeType}' is unreachable (its node left or died).", _executor));
            }
        });
        Receive<StreamEnded>(_ =>
        {
            _session?.Tell(new CloseSession(_sessionId));
            Context.Stop(Self);
        });
    }

    private void FindExecutors()
    {
        if (_settings.Executor is not null)
        {
            Self.Tell(new Candidates([new ExecutorInfo(_settings.Executor, _settings.ExecutorRole, 0, 0)]));
            return;
        }

        ExecutorDirectory.Get(Context.System)
            .GetExecutorsAsync(_settings.ExecutorRole, _settings.OpenTimeout)
            .PipeTo(Self, success: items => new Candidates(items), failure: e => new Status.Failure(e));
    }

    private void TryNext()
    {
        if (!_candidates.TryDequeue(out var next))
        {
            Fail(new RemoteStageException(
                $"Every executor refused remote stage '{_nodeType}': {string.Join("; ", _refusals)}. Add executors or raise akka-media.executor.max-sessions.",
                _executor));
            return;
        }

        _executor = next;
        Context.ActorSelection(next + ExecutorDirectoryActor.ExecutorPath)
            .Tell(new OpenSession(_sessionId, _nodeType, _settingsText, _input, Self), Self);
        _attemptTimeout = Context.System.Scheduler.ScheduleTellOnceCancelable(_settings.OpenTimeout, Self, new AttemptTimedOut(next), Self);
    }

    private void Abort(RemoteStageException error)
    {
        _output?.TrySetResult(Source.Failed<object>(error));
        _link?.Fail(error);
        _killSwitch?.Abort(error);
    }

    private void Fail(RemoteStageException error)
    {
        Abort(error);
        _session?.Tell(new CloseSession(_sessionId));
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _attemptTimeout?.Cancel();
        _output?.TrySetResult(Source.Failed<object>(new RemoteStageException($"Remote stage '{_nodeType}' stopped before its session opened.", _executor)));
    }
}

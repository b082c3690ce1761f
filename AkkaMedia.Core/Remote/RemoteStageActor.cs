using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;

namespace AkkaMedia.Remote;

/// <summary>
/// The client half of one materialized remote stage: places the session on an executor (trying the
/// next when one is at capacity), hands the return stream to the flow, watches the session and
/// aborts the stage when its executor dies, and closes the session when the stream ends.
/// </summary>
internal sealed class RemoteStageActor : ReceiveActor
{
    private readonly string _sessionId;
    private readonly string _nodeType;
    private readonly string _settingsText;
    private readonly RemoteStageSettings _settings;
    private readonly SharedKillSwitch _killSwitch;
    private readonly TaskCompletionSource<Source<object, NotUsed>> _output;
    private readonly Queue<string> _candidates = new();
    private readonly List<string> _refusals = [];
    private ISourceRef<object>? _input;
    private string? _executor;
    private IActorRef? _session;
    private ICancelable? _attemptTimeout;

    public RemoteStageActor(string sessionId, string nodeType, string settingsText, RemoteStageSettings settings, SharedKillSwitch killSwitch, TaskCompletionSource<Source<object, NotUsed>> output)
    {
        _sessionId = sessionId;
        _nodeType = nodeType;
        _settingsText = settingsText;
        _settings = settings;
        _killSwitch = killSwitch;
        _output = output;
        Placing();
    }

    public sealed record InputReady(ISourceRef<object> Input);

    public sealed record StreamEnded(Exception? Error);

    private sealed record Candidates(IReadOnlyList<ExecutorInfo> Items);

    private sealed record AttemptTimedOut(string Executor);

    private void Placing()
    {
        Receive<InputReady>(ready =>
        {
            _input = ready.Input;
            if (_settings.Executor is not null)
            {
                Self.Tell(new Candidates([new ExecutorInfo(_settings.Executor, _settings.ExecutorRole, 0, 0)]));
                return;
            }

            ExecutorDirectory.Get(Context.System)
                .GetExecutorsAsync(_settings.ExecutorRole, _settings.OpenTimeout)
                .PipeTo(Self, success: items => new Candidates(items), failure: e => new Status.Failure(e));
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
            var executor = _executor!;
            var nodeType = _nodeType;
            var idle = _settings.IdleTimeout;
            _output.TrySetResult(opened.Output.Source
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
        Receive<Status.Failure>(failure => Fail(new RemoteStageException($"Remote stage '{_nodeType}' could not be placed: {failure.Cause.Message}", null, failure.Cause)));
        Receive<StreamEnded>(_ => Context.Stop(Self));
    }

    private void Running()
    {
        Receive<Terminated>(terminated =>
        {
            if (terminated.AddressTerminated)
            {
                _killSwitch.Abort(new RemoteStageException(
                    $"Executor {_executor} running remote stage '{_nodeType}' is unreachable (its node left or died).", _executor));
            }
        });
        Receive<StreamEnded>(_ =>
        {
            _session?.Tell(new CloseSession(_sessionId));
            Context.Stop(Self);
        });
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
            .Tell(new OpenSession(_sessionId, _nodeType, _settingsText, _input!, Self), Self);
        _attemptTimeout = Context.System.Scheduler.ScheduleTellOnceCancelable(_settings.OpenTimeout, Self, new AttemptTimedOut(next), Self);
    }

    private void Fail(RemoteStageException error)
    {
        _output.TrySetResult(Source.Failed<object>(error));
        _killSwitch.Abort(error);
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _attemptTimeout?.Cancel();
        _output.TrySetResult(Source.Failed<object>(new RemoteStageException($"Remote stage '{_nodeType}' stopped before its session opened.", _executor)));
    }
}

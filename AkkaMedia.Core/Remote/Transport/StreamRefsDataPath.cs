using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Remote.Transport;

/// <summary>
/// A remote stage over StreamRefs: the stage's elements leave through a SourceRef offered in the session request, the
/// results come back through the SourceRef the executor answers, a kill switch stops both directions. Both ends send
/// heartbeats when idle; an executor silent for the idle timeout fails the stage (<see cref="StreamLiveness"/>).
/// </summary>
internal sealed class StreamRefsDataPath : IRemoteDataPath
{
    private readonly string _nodeType;
    private readonly RemoteStageSettings _settings;
    private readonly LivenessSettings _liveness;
    private readonly SharedKillSwitch _killSwitch;
    private readonly TaskCompletionSource<Source<object, NotUsed>> _output = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _peerEnded;

    public StreamRefsDataPath(string nodeType, RemoteStageSettings settings)
    {
        _nodeType = nodeType;
        _settings = settings;
        _liveness = settings.Liveness;
        _killSwitch = KillSwitches.Shared("remote-" + nodeType);
    }

    public RemoteTransport Transport => RemoteTransport.StreamRefs;

    /// <summary>Set once the input's SourceRef is materialized, before <see cref="DataPathReady"/> is sent.</summary>
    public ISourceRef<object>? Input { get; private set; }

    public bool PeerEnded => _peerEnded;

    public TimeSpan ConnectTimeout => _settings.OpenTimeout;

    /// <summary>
    /// The flow the stage materializes inside its own stream: its input offered as a SourceRef (then
    /// <see cref="DataPathReady"/> goes to <paramref name="owner"/>), its output the executor's results once connected.
    /// </summary>
    public Flow<TIn, TOut, NotUsed> Flow<TIn, TOut>(IActorRef owner)
    {
        var input = Akka.Streams.Dsl.Flow.Create<TIn>()
            .Select(static x => (object)x!)
            .Via(StreamLiveness.KeepAlive(_liveness))
            .Via(_killSwitch.Flow<object>())
            .ToMaterialized(
                StreamRefs.SourceRef<object>().WithAttributes(StreamRefAttributes.CreateSubscriptionTimeout(_settings.OpenTimeout + _settings.OpenTimeout)),
                Keep.Right)
            .MapMaterializedValue(refTask =>
            {
                refTask.ContinueWith(
                    t =>
                    {
                        if (t.IsCompletedSuccessfully)
                        {
                            Input = t.Result;
                            owner.Tell(new DataPathReady(this));
                        }
                        else
                        {
                            var cause = t.Exception?.GetBaseException() ?? new TaskCanceledException();
                            owner.Tell(new DataPathFailed(new RemoteStageException($"Remote stage '{_nodeType}' could not offer its input: {cause.Message}", null, cause)));
                        }
                    },
                    TaskScheduler.Default);
                return NotUsed.Instance;
            });

        var results = Source.FromTaskSource(_output.Task)
            .Via(_killSwitch.Flow<object>())
            .WatchTermination((_, done) =>
            {
                done.ContinueWith(OnResultsEnded, TaskScheduler.Default);
                return NotUsed.Instance;
            })
            .SelectError(static e => e is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : e)
            .Select(static o => (TOut)o);

        return Akka.Streams.Dsl.Flow.FromSinkAndSource(input, results);
    }

    public bool Connect(SessionOpened opened, string executor, IActorRef owner)
    {
        if (opened.Output is null)
        {
            owner.Tell(new DataPathFailed(new RemoteStageException($"Executor {executor} answered without a StreamRef for the results; it expected another transport.", executor)));
            return false;
        }

        var nodeType = _nodeType;
        var idle = _liveness.IdleTimeout;
        _output.TrySetResult(opened.Output.Source
            .Via(StreamLiveness.Watch(_liveness, () => new RemoteStageException(
                $"Remote stage '{nodeType}' on executor {executor} sent nothing for {idle.TotalMilliseconds:0} ms; the executor is presumed dead.", executor)))
            .SelectError(e => e is RemoteStageException ? e : new RemoteStageException($"Remote stage '{nodeType}' on executor {executor} failed: {e.Message}", executor, e)));
        return true;
    }

    public RemoteStageException NotConnected(string executor) =>
        new($"Remote stage '{_nodeType}' on executor {executor} received no results stream within {ConnectTimeout.TotalSeconds:0.#} s.", executor);

    public void Fail(RemoteStageException error)
    {
        _output.TrySetResult(Source.Failed<object>(error));
        _killSwitch.Abort(error);
    }

    /// <summary>A stage over StreamRefs has no failover (its settings refuse it): losing the executor fails it.</summary>
    public void ExecutorLost(RemoteStageException error) => Fail(error);

    public void Stopped(string? executor) =>
        _output.TrySetResult(Source.Failed<object>(new RemoteStageException($"Remote stage '{_nodeType}' stopped before its session opened.", executor)));

    /// <summary>When the results end: stop the other direction too.</summary>
    private void OnResultsEnded(Task done)
    {
        _peerEnded = true;
        if (done.Exception?.GetBaseException() is { } error)
        {
            _killSwitch.Abort(error);
        }
        else
        {
            _killSwitch.Shutdown();
        }
    }
}

using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Isolation;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// A session of shipped code under <c>isolation = process</c>, the counterpart of <see cref="CodeSessionActor"/>: the
/// executor checks the package (sandbox policy, the same verdicts as in-process) and leases its files, takes a worker
/// process from the <see cref="WorkerPool"/>, copies the package into the worker's folder and assigns it the session;
/// the worker loads the code and deserializes the object. No user code runs in the executor.
/// </summary>
/// <remarks>
/// <para>While the code loads: a refusal (the sandbox, the worker's load, a worker that does not start), or no answer
/// within the load timeout, refuses the session as in-process (<see cref="SessionRefused"/> with
/// <see cref="RefusalReason.CodeRejected"/>); <see cref="CloseSession"/> or the client's end stops the actor.</para>
/// <para>Once loaded, <see cref="Started"/> makes the session live. The worker's end is reported as <see cref="WorkerEnded"/>
/// to the derived actor's behaviour. Whenever the actor stops, the worker is killed (if it still runs) and its folder
/// deleted, and the package lease ends; a worker delivered after the actor gave up is disposed the same way.</para>
/// </remarks>
internal abstract class WorkerSessionActor : ReceiveActor, IWithTimers
{
    private readonly CodeSessionRequest _request;
    private readonly string _kind;
    private readonly UserCodeHost _host;
    private readonly WorkerPool _pool;
    private readonly TimeSpan _loadTimeout;
    private readonly LoadSlot<Prepared> _slot = new();
    private Prepared? _prepared;
    private Activity? _span;
    private Activity? _load;

    /// <param name="kind">What the shipped object is: <c>object</c> or <c>node</c>.</param>
    /// <param name="request">What to load, and for whom.</param>
    /// <param name="host">The package store and sandbox verdicts the package is checked against.</param>
    /// <param name="pool">Where the worker comes from.</param>
    /// <param name="loadTimeout">How long checking, taking a worker and loading may take before the session is refused.</param>
    /// <param name="metrics">The session's metrics.</param>
    /// <param name="span">The request's <c>akkamedia.session.start</c> span, or null.</param>
    protected WorkerSessionActor(string kind, CodeSessionRequest request, UserCodeHost host, WorkerPool pool, TimeSpan loadTimeout, SessionMetrics metrics, Activity? span)
    {
        _kind = kind;
        _request = request;
        _host = host;
        _pool = pool;
        _loadTimeout = loadTimeout;
        _span = span;
        Metrics = metrics;
        Log = SessionLog.For(Context, request.SessionId);

        Receive<LoadFinished>(finished => OnLoadFinished(finished));
        Receive<Status.Failure>(failure => Refuse(
            failure.Cause is CodeRejectedException or WorkerStartException
                ? failure.Cause.Message
                : $"The {_kind} could not be loaded on the executor: {failure.Cause.GetType().FullName}: {failure.Cause.Message}",
            failure.Cause));
        Receive<LoadTimedOut>(_ => Refuse(
            $"Loading and deserializing the {_kind} in its worker process did not finish within {LoadBound.TotalSeconds:0.#} s (the load timeout plus akka-media.executor.workers.start-timeout; a static constructor or deserialization callback hangs?); the session is abandoned.",
            null));
        Receive<CloseSession>(_ => Context.Stop(Self));
        Receive<Terminated>(StopIfClientGone);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The longest a session may take from its request to its loaded worker: the load timeout plus a worker's start timeout.</summary>
    private TimeSpan LoadBound => _loadTimeout + _pool.Settings.StartTimeout;

    /// <summary>The session's logger.</summary>
    protected ILoggingAdapter Log { get; }

    /// <summary>Where the session counts its deploy and its errors.</summary>
    protected SessionMetrics Metrics { get; }

    /// <summary>The session's worker, from <see cref="Started"/> on.</summary>
    protected SessionWorker Worker => _prepared?.Worker ?? throw new InvalidOperationException("The session has no worker yet.");

    /// <summary>The worker's link end of the executor's own window, for a node's channel.</summary>
    protected abstract int Window { get; }

    /// <summary>For a shipped node with failover: how it checkpoints; null otherwise.</summary>
    protected virtual CheckpointPolicy? Checkpoints => null;

    protected override void PreStart()
    {
        Context.Watch(_request.Client);
        _load = CodeLoadSpan.Start(_span, _request.EntryAssembly, _request.Entries.Count);
        PrepareAsync().PipeTo(Self, success: name => new LoadFinished(name), failure: e => new Status.Failure(e));
        Timers.StartSingleTimer(LoadTimedOut.Instance, LoadTimedOut.Instance, LoadBound);
    }

    protected override void PostStop()
    {
        _slot.Abandon();
        _prepared?.Dispose();
        _load?.Stop();
        _span?.Stop();
    }

    /// <summary>The worker has loaded the code (<paramref name="name"/>: the node's name, empty for an object): make the session live and become its live behaviour.</summary>
    protected abstract void Started(string name);

    /// <summary>Counts the deploy as loaded, ends the load span and returns the session span, which the caller now owns.</summary>
    protected Activity? CodeLoaded()
    {
        Metrics.CodeLoaded();
        _load?.Stop();
        _load = null;
        var span = _span;
        _span = null;
        return span;
    }

    /// <summary>Tells this actor a <see cref="WorkerEnded"/> once the worker process has ended.</summary>
    protected void WatchWorker() => Worker.Process.Exited.PipeTo(Self, success: exit => new WorkerEnded(exit));

    /// <summary>Stops the session when <paramref name="terminated"/> is the client's actor.</summary>
    protected void StopIfClientGone(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_request.Client))
        {
            Log.Info("Client {Client} of the {Kind} session is gone; the session stops", terminated.ActorRef.Path, _kind);
            Context.Stop(Self);
        }
    }

    private async Task<string> PrepareAsync()
    {
        var (paths, natives, lease) = _host.Check(_request.EntryAssembly, _request.Entries);
        SessionWorker? worker = null;
        try
        {
            worker = await _pool.TakeAsync(_request.SessionId).ConfigureAwait(false);
            var sandboxed = _pool.Settings.Sandbox == WorkerSandbox.Bubblewrap;
            var assignment = new WorkerAssignment(
                _request.SessionId, _kind == "node", _request.EntryAssembly, worker.CopyPackage(paths, readOnly: sandboxed), worker.CopyPackage(natives, natives: true, readOnly: sandboxed), _request.Bytes,
                Path.Combine(worker.Folder, "scratch"), Checkpoints, Window);
            // The same bound as the actor's timer: a worker under load may take longer than an in-process load would.
            using var cancel = new CancellationTokenSource(LoadBound);
            var (loaded, text) = await worker.AssignAsync(assignment, cancel.Token).ConfigureAwait(false);
            if (!loaded)
            {
                throw new CodeRejectedException(text);
            }

            _slot.Deliver(new Prepared(worker, lease));
            return text;
        }
        catch (IOException) when (worker is not null)
        {
            var exit = await worker.Process.Exited.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            worker.Dispose();
            lease.Dispose();
            throw new CodeRejectedException($"The worker process loading the {_kind} ended: {exit.Message}");
        }
        catch
        {
            worker?.Dispose();
            lease.Dispose();
            throw;
        }
    }

    private void OnLoadFinished(LoadFinished finished)
    {
        Timers.Cancel(LoadTimedOut.Instance);
        _prepared = _slot.Take();
        if (_prepared is null)
        {
            Context.Stop(Self);
            return;
        }

        Log.Info("Worker process {WorkerId} (pid {Pid}) loaded the {Kind} of {EntryAssembly}", _prepared.Worker.Process.WorkerId, _prepared.Worker.Process.Pid, _kind, _request.EntryAssembly);
        try
        {
            Started(finished.Name);
        }
        catch (CodeRejectedException e)
        {
            Refuse(e.Message, e);
        }
    }

    private void Refuse(string message, Exception? cause)
    {
        Log.Warning("Shipped {Kind} of {EntryAssembly} refused: {Reason}", _kind, _request.EntryAssembly, message);
        Metrics.CodeRefused(cause);
        CodeLoadSpan.Refused(ref _load, ref _span, message, cause);
        _request.Client.Tell(new SessionRefused(_request.SessionId, RefusalReason.CodeRejected, message));
        Context.Stop(Self);
    }

    /// <summary>The session's worker process has ended, as <paramref name="Exit"/> says.</summary>
    protected sealed record WorkerEnded(WorkerExit Exit);

    private sealed record LoadFinished(string Name);

    private sealed class LoadTimedOut
    {
        public static readonly LoadTimedOut Instance = new();
    }

    /// <summary>A worker that loaded the session's code, and the lease on the package's files.</summary>
    private sealed class Prepared(SessionWorker worker, IDisposable lease) : IDisposable
    {
        public SessionWorker Worker { get; } = worker;

        public void Dispose()
        {
            Worker.Dispose();
            lease.Dispose();
        }
    }
}

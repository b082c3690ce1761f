using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// A session that runs code its client shipped (a remote object or a shipped node). This base loads the code: when
/// the actor starts, the package's assemblies go into a load context of the session's own and the shipped object is
/// deserialized there, on a thread of its own (user code such as a static constructor runs there and may hang).
/// Once the object is there, <see cref="Started"/> makes the session live and the derived actor takes over
/// (<c>Become</c>).
/// </summary>
/// <remarks>
/// <para>While the code loads:</para>
/// <list type="bullet">
/// <item><description>a load that fails, or that <see cref="Started"/> rejects with <see cref="CodeRejectedException"/>, or
/// that has not finished within the load timeout, refuses the session: the client gets <see cref="SessionRefused"/>
/// with <see cref="RefusalReason.CodeRejected"/> and a message naming the cause, and the actor stops;</description></item>
/// <item><description><see cref="CloseSession"/> or the termination of the client's actor (DeathWatch) stops the actor
/// without an answer.</description></item>
/// </list>
/// <para>A derived actor may add handlers of its own to this loading behaviour by registering them in its constructor.</para>
/// <para>Whenever the actor stops, the code is disposed (the object dropped, the load context unloaded, the package
/// lease released), also when the load finishes only after the actor gave up on it; a thread hung in user code is
/// abandoned, and its context cannot be collected until it returns.</para>
/// <para>Tracing: the load is an <c>akkamedia.code.load</c> span under the request's <c>akkamedia.session.start</c> span.
/// A refusal ends both failed; <see cref="CodeLoaded"/> ends the load span and hands the session span over.</para>
/// </remarks>
internal abstract class CodeSessionActor : ReceiveActor, IWithTimers
{
    private readonly CodeSessionRequest _request;
    private readonly string _kind;
    private readonly UserCodeHost _host;
    private readonly TimeSpan _loadTimeout;
    private readonly LoadSlot<LoadedObject> _slot = new();
    private LoadedObject? _loaded;
    private Activity? _span;
    private Activity? _load;

    /// <param name="kind">What the shipped object is, as refusals and log events name it: <c>object</c> or <c>node</c>.</param>
    /// <param name="request">What to load, and for whom.</param>
    /// <param name="host">Where the code comes from and what checks it.</param>
    /// <param name="loadTimeout">How long loading and deserializing may take before the session is refused.</param>
    /// <param name="metrics">The session's metrics: the load counts as a deploy, loaded or refused.</param>
    /// <param name="span">The request's <c>akkamedia.session.start</c> span, or null when it is not traced.</param>
    protected CodeSessionActor(string kind, CodeSessionRequest request, UserCodeHost host, TimeSpan loadTimeout, SessionMetrics metrics, Activity? span)
    {
        _kind = kind;
        _request = request;
        _host = host;
        _loadTimeout = loadTimeout;
        _span = span;
        Metrics = metrics;
        Log = SessionLog.For(Context, request.SessionId);

        Receive<LoadFinished>(_ => OnLoadFinished());
        Receive<Status.Failure>(failure => Refuse(
            failure.Cause is CodeRejectedException
                ? failure.Cause.Message
                : $"The {_kind} could not be loaded on the executor: {failure.Cause.GetType().FullName}: {failure.Cause.Message}",
            failure.Cause));
        Receive<LoadTimedOut>(_ => Refuse(
            $"Loading and deserializing the {_kind} did not finish within {_loadTimeout.TotalSeconds:0.#} s (a static constructor or deserialization callback hangs?); the session is abandoned.",
            null));
        Receive<CloseSession>(_ => Context.Stop(Self));
        Receive<Terminated>(StopIfClientGone);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>The session's logger: its events carry the session id.</summary>
    protected ILoggingAdapter Log { get; }

    /// <summary>Where the session counts its deploy (loaded or refused) and its errors.</summary>
    protected SessionMetrics Metrics { get; }

    /// <summary>The code and its object, from <see cref="Started"/> on.</summary>
    /// <exception cref="InvalidOperationException">The code has not loaded (yet).</exception>
    protected LoadedObject Loaded => _loaded ?? throw new InvalidOperationException("The session's code has not loaded.");

    protected override void PreStart()
    {
        Context.Watch(_request.Client);
        _load = CodeLoadSpan.Start(_span, _request.EntryAssembly, _request.Entries.Count);
        LoadedObject.LoadAsync(_host, _request.SessionId, _request.EntryAssembly, _request.Entries, _request.Bytes, _slot)
            .PipeTo(Self, success: () => LoadFinished.Instance, failure: e => new Status.Failure(e));
        Timers.StartSingleTimer(LoadTimedOut.Instance, LoadTimedOut.Instance, _loadTimeout);
    }

    protected override void PostStop()
    {
        // Children (a shipped node's stream session) have stopped before this runs: nothing uses the code any more.
        _slot.Abandon();
        _loaded?.Dispose();
        _load?.Stop();
        _span?.Stop();
    }

    /// <summary>
    /// The code has loaded and <paramref name="loaded"/> holds its object: makes the session live (calls
    /// <see cref="CodeLoaded"/>, answers the client or starts what serves it) and becomes the live behaviour.
    /// </summary>
    /// <exception cref="CodeRejectedException">The object cannot serve this kind of session; the session is refused with the message.</exception>
    protected abstract void Started(LoadedObject loaded);

    /// <summary>
    /// Counts the deploy as loaded and ends the load span; returns the request's session span, which the caller now
    /// owns (it ends it or passes it on), or null when the session is not traced.
    /// </summary>
    protected Activity? CodeLoaded()
    {
        Metrics.CodeLoaded();
        _load?.Stop();
        _load = null;
        var span = _span;
        _span = null;
        return span;
    }

    /// <summary>Drops the session's object (the code stays loaded until the actor stops); nothing when it never loaded.</summary>
    protected void DropObject() => _loaded?.Holder.Clear();

    /// <summary>Stops the session when <paramref name="terminated"/> is the client's actor; any other actor's end is ignored.</summary>
    protected void StopIfClientGone(Terminated terminated)
    {
        if (terminated.ActorRef.Equals(_request.Client))
        {
            Log.Info("Client {Client} of the {Kind} session is gone; the session stops", terminated.ActorRef.Path, _kind);
            Context.Stop(Self);
        }
    }

    private void OnLoadFinished()
    {
        Timers.Cancel(LoadTimedOut.Instance);
        _loaded = _slot.Take();
        if (_loaded is null)
        {
            Context.Stop(Self);
            return;
        }

        try
        {
            Started(_loaded);
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

    private sealed class LoadFinished
    {
        public static readonly LoadFinished Instance = new();
    }

    private sealed class LoadTimedOut
    {
        public static readonly LoadTimedOut Instance = new();
    }
}

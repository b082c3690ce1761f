using System.Diagnostics;
using System.ComponentModel;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// AkkaMedia's spans: the one <see cref="ActivitySource"/> (<see cref="AkkaMediaTelemetry.ActivitySourceName"/>), the
/// span and attribute names (docs/telemetry.md), and starting and ending spans the way actors need them.
/// </summary>
/// <remarks>
/// <para>While nobody listens to the source, every start returns null without allocating, and the helpers here accept
/// null for it. Spans are per session, deploy or voice turn: never per frame.</para>
/// <para>A span that an actor starts and another message ends is never left as the thread's
/// <see cref="Activity.Current"/> (a dispatcher thread runs other actors next): <c>Start</c> restores it at
/// once, and <see cref="Enter"/> makes a span current only for a block.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MediaTracing
{
    /// <summary>Client: materializing a remote stage, from the stage's start until its session is open on an executor (or failed).</summary>
    public const string RemoteStageOpen = "akkamedia.remote_stage.open";

    /// <summary>Client: <c>RemoteObject.DeployAsync</c>, from the call until the object is live on an executor (or failed).</summary>
    public const string ObjectDeploy = "akkamedia.object.deploy";

    /// <summary>Client: uploading what an executor's package store lacks of a code package.</summary>
    public const string PackageUpload = "akkamedia.package.upload";

    /// <summary>Executor: one session request, from its arrival until the session is open or refused; child of the client's span.</summary>
    public const string SessionStart = "akkamedia.session.start";

    /// <summary>Executor: loading a session's shipped code into its load context and deserializing the object or node.</summary>
    public const string CodeLoad = "akkamedia.code.load";

    /// <summary>A voice loop's turn: from the end of the user's speech until the reply has played, was cut or replaced.</summary>
    public const string VoiceTurn = "akkamedia.voice.turn";

    /// <summary>Attribute: the session's identifier (as in the executor's logs and admin commands).</summary>
    public const string SessionIdTag = "akkamedia.session.id";

    /// <summary>Attribute: the node type of a remote stage (a registered type, or a shipped node's name).</summary>
    public const string NodeTypeTag = "akkamedia.node.type";

    /// <summary>Attribute: <c>node</c>, <c>shipped-node</c> or <c>object</c>.</summary>
    public const string SessionKindTag = "akkamedia.session.kind";

    /// <summary>Attribute: how the session's elements travel: <c>link</c>, <c>streamrefs</c> or <c>calls</c>.</summary>
    public const string TransportTag = "akkamedia.transport";

    /// <summary>Attribute: address of the executor that opened (or last refused) the session.</summary>
    public const string ExecutorTag = "akkamedia.executor";

    /// <summary>Attribute: executors asked before one accepted (1 when the first did).</summary>
    public const string AttemptsTag = "akkamedia.placement.attempts";

    /// <summary>Attribute: the refusal reason an executor answered (<c>AtCapacity</c>, <c>UnknownNodeType</c> ...).</summary>
    public const string RefusalTag = "akkamedia.refusal.reason";

    /// <summary>Attribute: the assembly shipped code starts from.</summary>
    public const string EntryAssemblyTag = "akkamedia.code.entry_assembly";

    /// <summary>Attribute: the assemblies of a code package.</summary>
    public const string PackageEntriesTag = "akkamedia.package.entries";

    /// <summary>Attribute: the assemblies an upload had to send (the store held the others).</summary>
    public const string EntriesSentTag = "akkamedia.package.entries_sent";

    /// <summary>Attribute: the assembly bytes an upload sent.</summary>
    public const string BytesSentTag = "akkamedia.package.bytes_sent";

    /// <summary>Attribute: how a span ended when that is neither plain success nor an error (<c>stream_ended</c>: the stream ended before its session opened).</summary>
    public const string OutcomeTag = "akkamedia.outcome";

    /// <summary>Attribute: the standard <c>error.type</c>, the failure's exception type (or refusal reason).</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>The source of every AkkaMedia span.</summary>
    public static readonly ActivitySource Source = new(AkkaMediaTelemetry.ActivitySourceName, typeof(MediaTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts span <paramref name="name"/> as a child of <paramref name="parent"/>, or as the root of a new trace when
    /// <paramref name="parent"/> is default (whatever the calling thread's <see cref="Activity.Current"/>), and leaves
    /// <see cref="Activity.Current"/> as it was. Null while nobody listens or samples it.
    /// </summary>
    public static Activity? Start(string name, ActivityKind kind, in ActivityContext parent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            return Source.StartActivity(name, kind, parent);
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary><c>Start</c> with the parent a request carried from another process.</summary>
    public static Activity? Start(string name, ActivityKind kind, TraceContext remoteParent) =>
        Source.HasListeners() ? Start(name, kind, remoteParent.ToParent()) : null;

    /// <summary>
    /// Makes <paramref name="span"/> the thread's <see cref="Activity.Current"/> until the scope is disposed, so that
    /// what starts inside (child spans, async methods that capture the execution context, streams materialized there)
    /// is its child. Does nothing for null.
    /// </summary>
    public static Scope Enter(Activity? span)
    {
        if (span is null)
        {
            return default;
        }

        var previous = Activity.Current;
        Activity.Current = span;
        return new Scope(previous, active: true);
    }

    /// <summary>Marks <paramref name="span"/> failed by <paramref name="error"/>: status Error with its message, <c>error.type</c>, and an exception event.</summary>
    public static void Fail(this Activity? span, Exception error)
    {
        if (span is null)
        {
            return;
        }

        span.SetStatus(ActivityStatusCode.Error, error.Message);
        span.SetTag(ErrorTypeTag, error.GetType().FullName);
        span.AddException(error);
    }

    /// <summary>Marks <paramref name="span"/> failed without an exception: status Error with <paramref name="message"/>, <c>error.type</c> = <paramref name="errorType"/>.</summary>
    public static void Fail(this Activity? span, string errorType, string message)
    {
        if (span is null)
        {
            return;
        }

        span.SetStatus(ActivityStatusCode.Error, message);
        span.SetTag(ErrorTypeTag, errorType);
    }

    /// <summary>Restores the <see cref="Activity.Current"/> that <see cref="Enter"/> replaced.</summary>
    public readonly struct Scope(Activity? previous, bool active) : IDisposable
    {
        /// <summary>Puts back the activity that was current before <see cref="Enter"/>; nothing when it changed none.</summary>
        public void Dispose()
        {
            if (active)
            {
                Activity.Current = previous;
            }
        }
    }
}

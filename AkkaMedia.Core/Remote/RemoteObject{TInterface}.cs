using System.Collections.Concurrent;
using System.Reflection;
using Akka.Actor;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;
using AkkaMedia.Remote.Transport;

namespace AkkaMedia.Remote;

/// <summary>
/// One object deployed on an executor by <see cref="RemoteObject.DeployAsync{TInterface}"/>: a live
/// instance there, with its own load context, that keeps its state between calls until this handle is
/// disposed.
/// </summary>
/// <remarks>
/// <para>Calls through <see cref="Proxy"/> run on the executor one at a time, in the order they were
/// made; a synchronous method blocks the calling thread until the remote call returns, a method that
/// returns <see cref="Task"/>, <see cref="Task{TResult}"/>, <see cref="ValueTask"/> or
/// <see cref="ValueTask{TResult}"/> completes when it does (never on a thread of the library's own). Arguments and
/// results are copied (serialized with the session's serializer): changing an argument after the call does not affect
/// the remote object, and a returned object is a copy.</para>
/// <para>Calls travel over the executor's media link, on a channel of the connection its remote stages share, with no
/// actor message per call (<see cref="RemoteObjectOptions.Transport"/>, by default <c>akka-media.remote.transport</c>);
/// with <see cref="RemoteTransport.StreamRefs"/>, an executor whose link is off, or a link that could not be connected,
/// each call is an Akka.Remote message. The rules below are the same either way.</para>
/// <para>Failures: an exception thrown by the object's code fails that call with
/// <see cref="RemoteExecutionException"/> and the object lives on. A call that exceeds the call timeout
/// fails with <see cref="TimeoutException"/> and the session is stopped (its thread cannot be aborted in
/// the executor's process; it is abandoned and the load context is unloaded once it returns). After the
/// session has ended (disposed, timed out, executor gone) every call fails with
/// <see cref="RemoteObjectException"/>.</para>
/// </remarks>
/// <typeparam name="TInterface">The interface the object is called through.</typeparam>
public sealed class RemoteObject<TInterface> : IAsyncDisposable
    where TInterface : class
{
    /// <summary>Each method's key on the wire and its name in errors, made once per method (per closed type: collectible with it).</summary>
    private static readonly ConcurrentDictionary<MethodInfo, (string Key, string What)> Methods = new();

    private readonly IActorRef _client;
    private readonly LinkCallClient? _linkCalls;
    private readonly ObjectCodec _codec;
    private readonly TimeSpan _askTimeout;
    private int _disposed;

    internal RemoteObject(IActorRef client, LinkCallClient? linkCalls, ObjectCodec codec, string sessionId, string executorAddress, TimeSpan callTimeout)
    {
        _client = client;
        _linkCalls = linkCalls;
        _codec = codec;
        SessionId = sessionId;
        ExecutorAddress = executorAddress;
        CallTimeout = callTimeout;
        _askTimeout = callTimeout + TimeSpan.FromSeconds(30);
        Proxy = RemoteObjectProxy.Create<TInterface>(CallAsync, Call);
    }

    /// <summary>Calls the remote object. Safe to use from several threads; the calls still run one at a time remotely.</summary>
    public TInterface Proxy { get; }

    /// <summary>The session's identifier on the executor (shown by the executor's admin commands and logs).</summary>
    public string SessionId { get; }

    /// <summary>Address of the executor the object lives on, <c>akka.tcp://media@host:port</c>.</summary>
    public string ExecutorAddress { get; }

    /// <summary>Longest a call may run on the executor before the session is stopped.</summary>
    public TimeSpan CallTimeout { get; }

    /// <summary>
    /// Brings back a copy of the remote object as it is after every call made before this one: serialized
    /// there with the session's serializer, deserialized here into this process's types.
    /// </summary>
    /// <exception cref="RemoteObjectException">The session has ended, or the object can no longer be serialized.</exception>
    public async Task<TInterface> GetStateAsync(CancellationToken cancellationToken = default)
    {
        var state = await SendAsync(new GetObjectState(0), "GetStateAsync", cancellationToken).ConfigureAwait(false);
        return state as TInterface ?? throw new RemoteObjectException(
            $"The remote object's state came back as {state?.GetType().FullName ?? "null"}, not a {typeof(TInterface).FullName}.", ExecutorAddress);
    }

    /// <summary>
    /// Ends the session: the executor drops the object and unloads its load context. Completes once the session has
    /// ended: no call of it runs any more and its object has been dropped (a call still running is finished first; calls
    /// made from now on fail with <see cref="RemoteObjectException"/>). The executor unloads the session's load context
    /// and releases its resources right after; over the media link the answer comes as the session ends its call channel,
    /// without waiting for that. Completes also after a bounded wait when the executor does not answer. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await _client.Ask<RemoteObjectClientActor.Closed>(RemoteObjectClientActor.Close.Instance, TimeSpan.FromSeconds(15)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            _client.Tell(PoisonPill.Instance);
        }
    }

    /// <summary>Whether calls travel over the executor's media link (else as Akka.Remote messages).</summary>
    internal bool CallsOverLink => _linkCalls is not null;

    private static (string Key, string What) Describe(MethodInfo method) =>
        Methods.GetOrAdd(method, static m => (MethodKey.Of(m), $"{m.DeclaringType!.Name}.{m.Name}"));

    private Task<object?> CallAsync(MethodInfo method, object?[] arguments) =>
        SendAsync(Invocation(method, arguments), Describe(method).What, CancellationToken.None);

    /// <summary>A synchronous method: the calling thread waits for the reply itself, with no continuation in between.</summary>
    private object? Call(MethodInfo method, object?[] arguments)
    {
        var request = Invocation(method, arguments);
        var what = Describe(method).What;
        if (_linkCalls is null)
        {
            return SendAsync(request, what, CancellationToken.None).GetAwaiter().GetResult();
        }

        return Outcome(_linkCalls.CallAsync(request).GetAwaiter().GetResult(), what);
    }

    private InvokeObject Invocation(MethodInfo method, object?[] arguments)
    {
        ThrowIfDisposed();
        var bytes = _codec.Serialize(arguments);
        if (bytes.Length > ObjectCodec.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"The arguments of {Describe(method).What} serialize to {bytes.Length:N0} bytes; one call carries at most {ObjectCodec.MaxPayloadBytes:N0}. " +
                "Pass large data as several calls or stream it with RemoteObject.Flow.");
        }

        return new InvokeObject(0, Describe(method).Key, bytes);
    }

    private async Task<object?> SendAsync(IObjectSessionMessage request, string what, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (_linkCalls is not null)
        {
            return Outcome(await _linkCalls.CallAsync(request).WaitAsync(cancellationToken).ConfigureAwait(false), what);
        }

        object reply;
        try
        {
            reply = await _client.Ask<object>(new RemoteObjectClientActor.Call(request), _askTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new RemoteObjectException($"{what} got no answer from executor {ExecutorAddress} within {_askTimeout.TotalSeconds:0} s.", ExecutorAddress, e);
        }

        return reply is Status.Failure failure ? throw failure.Cause : Outcome(reply, what);
    }

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new RemoteObjectException($"The remote object has been disposed (session {SessionId} on executor {ExecutorAddress}).", ExecutorAddress);
        }
    }

    /// <summary>The call's result, or the exception its reply stands for.</summary>
    private object? Outcome(object reply, string what) => reply switch
    {
        CallSucceeded done => done.Result.Length == 0 ? null : _codec.Deserialize(done.Result),
        CallFailed { Failure: CallFailure.UserException } failed =>
            throw new RemoteExecutionException(failed.RemoteType, failed.RemoteMessage, failed.RemoteStackTrace, what, ExecutorAddress),
        CallFailed { Failure: CallFailure.Timeout } failed => throw new TimeoutException(failed.RemoteMessage),
        CallFailed failed => throw new RemoteObjectException($"{what} could not run on executor {ExecutorAddress}: {failed.RemoteType}: {failed.RemoteMessage}", ExecutorAddress),
        _ => throw new RemoteObjectException($"{what}: unexpected answer {reply.GetType().Name} from the session.", ExecutorAddress),
    };
}

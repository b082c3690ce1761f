using System.Collections.Concurrent;
using System.Reflection;
using Akka.Actor;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;
using AkkaMedia.Remote.Durable;

namespace AkkaMedia.Remote;

/// <summary>
/// A handle on a durable object, got by name with <see cref="RemoteObject.GetOrDeployAsync{TInterface}"/>: every
/// handle of that name, from any client node of the cluster, calls the same one live instance, whose acknowledged
/// calls survive the death of the executor that runs it.
/// </summary>
/// <remarks>
/// <para>Calls through <see cref="Proxy"/> run one at a time on the object, in the order its entity receives them
/// (calls from one thread arrive in the order they were made). Arguments and results are copied, as for
/// <see cref="RemoteObject{TInterface}"/>; a synchronous method blocks the calling thread until the call returns.</para>
/// <para>Guarantees: a call that returned (or threw the object's own exception) is in the journal, and is never
/// applied twice: each call carries an idempotency key (this handle's id and the call's number), and a call sent again
/// (after an unanswered attempt, <c>akka-media.durable.ask-timeout</c>) gets the stored reply. When the executor that
/// runs the object dies, the next call (or the one in flight) deploys the object on a live executor from its last saved
/// state, replays the calls journaled after it, and runs. See docs/fault-tolerance.md, "Durable objects".</para>
/// <para>Failures: an exception thrown by the object's code fails that call with <see cref="RemoteExecutionException"/>
/// (the call counts as applied); a call that exceeds the call timeout fails with <see cref="TimeoutException"/> and is
/// not applied; a call that cannot run (no executor, the object was destroyed, its journal cannot be written) fails with
/// <see cref="RemoteObjectException"/>, whose message says why.</para>
/// <para>The handle holds nothing remote: dropping it ends nothing. <see cref="DestroyAsync"/> removes the object.</para>
/// </remarks>
/// <typeparam name="TInterface">The interface the object is called through.</typeparam>
public sealed class DurableObject<TInterface>
    where TInterface : class
{
    private static readonly ConcurrentDictionary<MethodInfo, (string Key, string What)> Methods = new();

    private readonly IActorRef _region;
    private readonly ObjectCodec _codec;
    private readonly TimeSpan _askTimeout;
    private readonly int _attempts;
    private readonly Guid _client = Guid.NewGuid();
    private long _sequence;

    internal DurableObject(string name, IActorRef region, ObjectCodec codec, TimeSpan askTimeout, int attempts)
    {
        Name = name;
        _region = region;
        _codec = codec;
        _askTimeout = askTimeout;
        _attempts = attempts;
        Proxy = RemoteObjectProxy.Create<TInterface>(CallAsync, Call);
    }

    /// <summary>The object's name: the same name reaches the same object from any client node.</summary>
    public string Name { get; }

    /// <summary>Calls the durable object. Safe to use from several threads; the calls still run one at a time.</summary>
    public TInterface Proxy { get; }

    /// <summary>
    /// Brings back a copy of the object as it is after every call acknowledged before this one (reactivating it if
    /// needed): serialized there, deserialized here into this process's types.
    /// </summary>
    /// <exception cref="RemoteObjectException">The object does not exist (destroyed) or cannot run; the message says why.</exception>
    public async Task<TInterface> GetStateAsync(CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync(new GetDurableState(Name), "GetStateAsync", cancellationToken).ConfigureAwait(false);
        var state = Outcome(reply, "GetStateAsync");
        return state as TInterface ?? throw new RemoteObjectException(
            $"Durable object '{Name}''s state came back as {state?.GetType().FullName ?? "null"}, not a {typeof(TInterface).FullName}.", (reply as DurableReply)?.Executor);
    }

    /// <summary>
    /// Removes the object: its session on the executor ends and its persisted state (journal and snapshots) is deleted.
    /// Calls made afterwards through any handle of this name fail with <see cref="RemoteObjectException"/>; a later
    /// <see cref="RemoteObject.GetOrDeployAsync{TInterface}"/> of the name creates a fresh object. Idempotent.
    /// </summary>
    /// <exception cref="RemoteObjectException">The persisted state could not be deleted; the message says why.</exception>
    public async Task DestroyAsync(CancellationToken cancellationToken = default)
    {
        var reply = await AskAsync(new DestroyDurable(Name), "DestroyAsync", cancellationToken).ConfigureAwait(false);
        if (reply is DurableRefused refused)
        {
            throw new RemoteObjectException(refused.Message, refused.Executor);
        }
    }

    /// <summary>Sends a call with an idempotency key of the caller's choosing (the specs' retry), returning its raw reply.</summary>
    internal Task<object> InvokeAsync(long sequence, MethodInfo method, object?[] arguments) =>
        AskAsync(Invocation(sequence, method, arguments), Describe(method).What, CancellationToken.None);

    /// <summary>The call's result, or the exception its reply stands for.</summary>
    internal object? Outcome(object reply, string what) => reply switch
    {
        DurableReply { Failure: null } done => done.Result.Length == 0 ? null : _codec.Deserialize(done.Result),
        DurableReply { Failure: CallFailure.UserException } failed =>
            throw new RemoteExecutionException(failed.RemoteType, failed.RemoteMessage, failed.RemoteStackTrace, what, failed.Executor),
        DurableReply { Failure: CallFailure.Timeout } failed => throw new TimeoutException(failed.RemoteMessage),
        DurableReply failed => throw new RemoteObjectException($"{what} could not run on executor {failed.Executor}: {failed.RemoteType}: {failed.RemoteMessage}", failed.Executor),
        DurableRefused refused => throw new RemoteObjectException($"{what}: {refused.Message}", refused.Executor),
        _ => throw new RemoteObjectException($"{what}: unexpected answer {reply.GetType().Name} from durable object '{Name}'.", null),
    };

    private static (string Key, string What) Describe(MethodInfo method) =>
        Methods.GetOrAdd(method, static m => (MethodKey.Of(m), $"{m.DeclaringType!.Name}.{m.Name}"));

    private async Task<object?> CallAsync(MethodInfo method, object?[] arguments)
    {
        var request = Invocation(Interlocked.Increment(ref _sequence), method, arguments);
        var what = Describe(method).What;
        return Outcome(await AskAsync(request, what, CancellationToken.None).ConfigureAwait(false), what);
    }

    private object? Call(MethodInfo method, object?[] arguments) => CallAsync(method, arguments).GetAwaiter().GetResult();

    private InvokeDurable Invocation(long sequence, MethodInfo method, object?[] arguments)
    {
        var bytes = _codec.Serialize(arguments);
        if (bytes.Length > ObjectCodec.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"The arguments of {Describe(method).What} serialize to {bytes.Length:N0} bytes; one call carries at most {ObjectCodec.MaxPayloadBytes:N0}. " +
                "Pass large data as several calls.");
        }

        return new InvokeDurable(Name, _client, sequence, Describe(method).Key, bytes);
    }

    /// <summary>Sends <paramref name="request"/> until it is answered, at most <c>call-attempts</c> times (the same request: a call keeps its idempotency key).</summary>
    private async Task<object> AskAsync(IDurableObjectCommand request, string what, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var reply = await _region.Ask<object>(request, _askTimeout, cancellationToken).ConfigureAwait(false);
                if (reply is DurableRefused { Retry: true } && attempt < _attempts)
                {
                    // The entity stopped before it answered; the same key again reactivates it (a call it applied
                    // answers with its stored reply).
                    continue;
                }

                return reply;
            }
            catch (AskTimeoutException e) when (attempt >= _attempts)
            {
                throw new RemoteObjectException(
                    $"{what} on durable object '{Name}' got no answer in {_attempts} attempts of {_askTimeout.TotalSeconds:0} s (akka-media.durable.ask-timeout, call-attempts).", null, e);
            }
            catch (AskTimeoutException)
            {
                // Sent again with the same key: if the first attempt was applied, its stored reply comes back.
            }
        }
    }
}

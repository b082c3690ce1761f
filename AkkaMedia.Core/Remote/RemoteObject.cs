using System.Diagnostics;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;
using AkkaMedia.Remote.Durable;

namespace AkkaMedia.Remote;

/// <summary>
/// Ships a user's object, with the assemblies its class needs, to an executor that has never seen that
/// class: as a live object called through an interface (<see cref="DeployAsync{TInterface}"/>) or as a
/// node streamed through a remote stage (<see cref="Flow{TIn,TOut}"/>).
/// </summary>
/// <remarks>
/// <para>What ships: the object's assembly and every dependency that is neither a framework nor an
/// AkkaMedia assembly (those the executor has of its own, and they must never be shipped), computed from
/// metadata by <see cref="DependencyAnalyzer"/>. Only the assemblies the executor's package store lacks are
/// uploaded, in chunks. The object itself travels serialized by Hyperion (fields, not constructors), or, when its
/// fields are all simple values (numbers, strings, enums, dates, GUIDs), in a compact format that is cheaper to read; each
/// session gets its own collectible load context and serializer on the executor, unloaded when it ends.</para>
/// <para>Checked at the client before anything is sent: the interface's methods can be called remotely,
/// no field of the object graph is bound to this process (delegates, pointers, streams, threads, tasks ...;
/// <see cref="ArgumentException"/> naming the field), the serialized object fits one message
/// (<c>100,000</c> bytes), and every dependency resolves (<see cref="UnresolvedDependencyException"/>).</para>
/// <para>Checked at the executor before anything loads: the executor's sandbox policy; a violation fails
/// the deploy with its message naming type, member and assembly.</para>
/// <para>Tracing: <see cref="DeployAsync{TInterface}"/> is one <c>akkamedia.object.deploy</c> span, child of the
/// caller's <see cref="Activity.Current"/>, whose trace context travels to the executor (docs/telemetry.md).</para>
/// </remarks>
public static class RemoteObject
{
    /// <summary>
    /// Deploys <paramref name="obj"/> on an executor and returns its handle, whose
    /// <see cref="RemoteObject{TInterface}.Proxy"/> runs every call on that one live remote instance.
    /// </summary>
    /// <param name="system">The client's actor system (cluster member, or plain remoting with <see cref="RemoteObjectOptions.Executor"/>).</param>
    /// <param name="obj">The object; it is copied, and later changes to it here do not reach the remote one.</param>
    /// <param name="options">Per-deployment overrides; null for the configured values.</param>
    /// <param name="cancellationToken">Cancels the deploy (not a session already opened).</param>
    /// <typeparam name="TInterface">An interface <paramref name="obj"/> implements; it may be declared in the shipped assembly or in one both sides have.</typeparam>
    /// <exception cref="ArgumentException"><typeparamref name="TInterface"/> is not an interface or has a method that cannot be called remotely, <paramref name="obj"/> does not implement it, or a field cannot be shipped.</exception>
    /// <exception cref="RemoteObjectException">No executor accepted the object; the message says why (sandbox, load or deserialization error, capacity).</exception>
    public static async Task<RemoteObject<TInterface>> DeployAsync<TInterface>(ActorSystem system, TInterface obj, RemoteObjectOptions? options = null, CancellationToken cancellationToken = default)
        where TInterface : class
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(obj);
        if (!typeof(TInterface).IsInterface)
        {
            throw new ArgumentException($"{typeof(TInterface).FullName} is not an interface; a remote object is called through an interface it implements.", nameof(TInterface));
        }

        MethodKey.CheckRemotable(typeof(TInterface), nameof(TInterface));
        using var span = MediaTracing.Source.StartActivity(MediaTracing.ObjectDeploy, ActivityKind.Client);
        try
        {
            return await PlaceAsync(system, obj, options, span, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            span.Fail(e);
            throw;
        }
    }

    /// <summary>
    /// Gets the durable object named <paramref name="name"/>, creating it from <paramref name="factory"/> when no object of
    /// that name exists: one live instance in the cluster, reachable by name from any client node, whose acknowledged
    /// calls and state are persisted (<c>akka-media.durable</c>) and which, when its executor dies, the next call
    /// reactivates on a live executor from its last persisted state with the same code.
    /// </summary>
    /// <param name="system">The client's actor system: a member of the executors' cluster. Nodes with the role
    /// <c>akka-media.durable.role</c> (<c>durable-objects</c> by default) host the objects and their journal; nodes without it
    /// reach the objects through them, so at least one must be up.</param>
    /// <param name="name">The object's name (1 to 200 characters, no control characters): the same name reaches the same object.</param>
    /// <param name="factory">Makes the object when the name has none; not called when the object exists (live or
    /// persisted). Its object ships as <see cref="DeployAsync{TInterface}"/>'s does, with the same checks.</param>
    /// <param name="options">Per-object settings, used only when the object is created; null for the configured values.</param>
    /// <param name="cancellationToken">Cancels the wait (not a creation already under way).</param>
    /// <typeparam name="TInterface">The interface the object is called through; the same for every handle of the name.</typeparam>
    /// <returns>A handle on the object; it holds nothing remote (see <see cref="DurableObject{TInterface}.DestroyAsync"/>).</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name, <typeparamref name="TInterface"/> is not a remotable interface, <paramref name="factory"/> returned null, or the object cannot be shipped.</exception>
    /// <exception cref="RemoteObjectException">The object exists with another interface, or could not be created on any executor; the message says why.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="system"/> is not a cluster member.</exception>
    public static async Task<DurableObject<TInterface>> GetOrDeployAsync<TInterface>(
        ActorSystem system, string name, Func<TInterface> factory, DurableObjectOptions? options = null, CancellationToken cancellationToken = default)
        where TInterface : class
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(factory);
        CheckName(name);
        if (!typeof(TInterface).IsInterface)
        {
            throw new ArgumentException($"{typeof(TInterface).FullName} is not an interface; a durable object is called through an interface it implements.", nameof(TInterface));
        }

        MethodKey.CheckRemotable(typeof(TInterface), nameof(TInterface));
        var durable = DurableObjects.Get(system);
        var settings = durable.Settings;
        var policy = new DurablePolicy(
            options?.SaveEvery ?? settings.SaveEvery,
            options?.SaveInterval ?? settings.SaveInterval,
            options?.CallTimeout ?? TimeSpan.Zero);
        if (policy.SaveEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), policy.SaveEvery, "DurableObjectOptions.SaveEvery must be at least 1 (1 saves the state after every call).");
        }

        if (policy.SaveInterval < TimeSpan.Zero || policy.CallTimeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "DurableObjectOptions.SaveInterval and CallTimeout must not be negative.");
        }

        var region = await durable.RegionAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var @interface = typeof(TInterface).FullName!;
        var answer = await AskDurableAsync(region, new ActivateDurable(name, @interface), settings, cancellationToken).ConfigureAwait(false);
        if (answer is DurableActivation { Exists: false })
        {
            var obj = factory() ?? throw new ArgumentException($"The factory of durable object '{name}' returned null.", nameof(factory));
            var (package, bytes) = Prepare(obj, nameof(factory));
            answer = await AskDurableAsync(region, new CreateDurable(name, @interface, obj.GetType().FullName!, DurableCode.Of(package), bytes, policy), settings, cancellationToken)
                .ConfigureAwait(false);
        }

        return answer switch
        {
            DurableActivation => new DurableObject<TInterface>(name, region, ObjectCodec.For(typeof(TInterface).Assembly), settings.AskTimeout, settings.CallAttempts),
            DurableRefused refused => throw new RemoteObjectException(refused.Message, refused.Executor),
            _ => throw new RemoteObjectException($"Durable object '{name}': unexpected answer {answer.GetType().Name}.", null),
        };
    }

    /// <summary>
    /// A flow that runs a copy of <paramref name="node"/> on an executor, with the same contract and the
    /// same liveness rules as <see cref="RemoteNode.Flow{TIn,TOut}"/>: each materialization opens its own
    /// session on the least-loaded executor and deserializes a fresh copy of the node there, so the flow
    /// can be materialized any number of times.
    /// </summary>
    /// <param name="node">The node; it is serialized now (its state at this moment is what every copy starts with), and is neither initialized nor disposed here.</param>
    /// <param name="options">Overrides of <c>akka-media.remote</c>; null for the configured values.</param>
    /// <typeparam name="TIn">Element type sent to the node; must be serializable by Akka (frames are).</typeparam>
    /// <typeparam name="TOut">Element type the node emits.</typeparam>
    /// <exception cref="ArgumentException">A field of the node cannot be shipped, or it serializes to more than one message.</exception>
    /// <exception cref="UnresolvedDependencyException">A dependency of the node's assembly cannot be found.</exception>
    /// <remarks>Failures of the executor, the sandbox or the node itself fail the stream with <see cref="RemoteStageException"/>.</remarks>
    public static Flow<TIn, TOut, NotUsed> Flow<TIn, TOut>(Node<TIn, TOut> node, RemoteStageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        var (package, bytes) = Prepare(node, nameof(node));
        return RemoteNode.Create<TIn, TOut>(new ShippedNodeTarget(node.Name, package, bytes, uploadTimeout: null), options);
    }

    /// <summary>The deploy inside its span (null when nobody listens), which is the current activity here.</summary>
    private static async Task<RemoteObject<TInterface>> PlaceAsync<TInterface>(ActorSystem system, TInterface obj, RemoteObjectOptions? options, Activity? span, CancellationToken cancellationToken)
        where TInterface : class
    {
        var (package, bytes) = Prepare(obj, nameof(obj));
        span?.SetTag(MediaTracing.SessionKindTag, "object");
        span?.SetTag(MediaTracing.EntryAssemblyTag, package.EntryAssembly);
        span?.SetTag(MediaTracing.PackageEntriesTag, package.Entries.Count);
        var trace = TraceContext.Of(span, Activity.Current?.Context ?? default);
        var settings = RemoteObjectSettings.Create(system.Settings.Config, options);
        var client = system.ActorOf(Props.Create(() => new RemoteObjectClientActor()), "akka-media-object-" + RemoteNode.NewSessionId());

        try
        {
            // Unbounded here: every step of the placement is bounded by the settings' timeouts, and the client answers even when it stops.
            var deployed = await client.Ask<RemoteObjectClientActor.Deployed>(
                new RemoteObjectClientActor.Deploy(package, bytes, obj.GetType().FullName!, settings, trace, span), Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            span?.SetTag(MediaTracing.SessionIdTag, deployed.SessionId);
            return new RemoteObject<TInterface>(client, deployed.LinkCalls, ObjectCodec.For(obj.GetType().Assembly), deployed.SessionId, deployed.Executor, deployed.CallTimeout);
        }
        catch
        {
            system.Stop(client);
            throw;
        }
    }

    /// <summary>Asks the object's entity; no answer within <c>ask-timeout</c> is a <see cref="RemoteObjectException"/> that says what to check.</summary>
    private static async Task<object> AskDurableAsync(IActorRef region, IDurableObjectCommand request, DurableObjectSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            return await region.Ask<object>(request, settings.AskTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (AskTimeoutException e)
        {
            throw new RemoteObjectException(
                $"Durable object '{request.Name}' got no answer within {settings.AskTimeout.TotalSeconds:0} s (akka-media.durable.ask-timeout). A node with the role " +
                $"\"{settings.Role}\" (akka-media.durable.role) must be up to host them, and an executor must accept the object.",
                null,
                e);
        }
    }

    private static void CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > 200 || name.Any(char.IsControl))
        {
            throw new ArgumentException($"'{name}' is not a durable object name: use 1 to 200 characters, none of them a control character.", nameof(name));
        }
    }

    private static (CodePackage Package, byte[] Bytes) Prepare(object obj, string parameterName)
    {
        ShippableCheck.Check(obj, parameterName);
        var package = DependencyAnalyzer.AnalyzeCached(obj.GetType().Assembly);
        var bytes = ObjectCodec.For(obj.GetType().Assembly).SerializeShipped(obj, package.Entries.Select(static e => e.Name));
        if (bytes.Length > ObjectCodec.MaxPayloadBytes)
        {
            throw new ArgumentException(
                $"{obj.GetType().FullName} serializes to {bytes.Length:N0} bytes; a shipped object carries at most {ObjectCodec.MaxPayloadBytes:N0}. " +
                "Load large data on the executor (from a file or a service) or pass it in later calls.",
                parameterName);
        }

        return (package, bytes);
    }
}

using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Sessions.Transports;
using AkkaMedia.Remote;
using System.Reflection;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Sessions;
using AkkaMedia.Executor.Tests.Packages;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// Object and shipped-node session actors started directly in a spec's actor system, for a client the spec plays:
/// over a package store of their own in a temporary folder (deleted on dispose) and the executor's default sandbox,
/// with <paramref name="callTimeout"/> as their call and load timeout.
/// </summary>
internal sealed class CodeSessions(TimeSpan callTimeout) : IDisposable
{
    private readonly PackageFiles _files = new();
    private PackageStore? _store;

    public PackageStore Store => _store ??= new PackageStore(_files.NewFolder("store"), 64 << 20, 64 << 20);

    /// <summary>Puts the file of <paramref name="assembly"/> into <see cref="Store"/>, as an upload does; returns its entry.</summary>
    public PackageEntry Upload(Assembly assembly)
    {
        var bytes = File.ReadAllBytes(assembly.Location);
        var name = assembly.GetName();
        var entry = new PackageEntry(name.Name!, name.Version!.ToString(), Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        using var upload = Store.BeginUpload(Guid.NewGuid().ToString("N"), [entry]);
        foreach (var chunk in PackageFiles.Chunks((entry, bytes)))
        {
            upload.Write(chunk);
        }

        upload.Complete();
        return entry;
    }

    /// <summary>
    /// Starts a session of <paramref name="kind"/> (<see cref="SessionKind.Object"/> or <see cref="SessionKind.ShippedNode"/>)
    /// that loads <paramref name="entries"/> and the client-side object <paramref name="shipped"/>, for <paramref name="client"/>.
    /// The actor is named after the session id.
    /// </summary>
    public IActorRef Start(ActorSystem system, string kind, object shipped, IReadOnlyList<PackageEntry> entries, IActorRef client)
    {
        var sessionId = Guid.NewGuid().ToString("N");
        var entryAssembly = shipped.GetType().Assembly.GetName().Name!;
        var bytes = ObjectCodec.For(shipped.GetType().Assembly).Serialize(shipped);
        var host = new UserCodeHost(Store, SandboxPolicy.Create(Config.Empty), new ObjectSessionSettings(callTimeout, callTimeout));
        var metrics = ExecutorMetrics.Get(system).SessionStarted(kind, "spec", entryAssembly, streams: kind != SessionKind.Object);
        var timeout = callTimeout;
        Props props;
        if (kind == SessionKind.Object)
        {
            var request = new OpenObjectSession(sessionId, entryAssembly, entries, bytes, timeout, client);
            props = Props.Create(() => new ObjectSessionActor(request, host, timeout, metrics, null, null));
        }
        else
        {
            var request = new OpenNodeSession(sessionId, entryAssembly, entries, bytes, RemoteTransport.MediaLink, null, client);
            props = Props.Create(() => new ShippedNodeSessionActor(request, host, LoadingOnlyTransport.Instance, metrics, null));
        }

        return system.ActorOf(props, sessionId);
    }

    /// <summary>The transport of shipped nodes in these specs, which end before a loaded node's stream would start.</summary>
    private sealed class LoadingOnlyTransport : ISessionTransport
    {
        public static readonly LoadingOnlyTransport Instance = new();

        public RemoteTransport Kind => RemoteTransport.MediaLink;

        public string Name => "loading-only";

        public Task Start(SessionStreamContext context, Flow<object, object, NotUsed> node) =>
            throw new InvalidOperationException("These specs end while the code loads; no session stream starts.");

        public void Stopped(string sessionId)
        {
        }
    }

    public void Dispose()
    {
        _store?.Dispose();
        _files.Dispose();
    }
}

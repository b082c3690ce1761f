using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Remote;

/// <summary>
/// A user's node object: its assemblies are uploaded to the executor (only what its package store
/// lacks), then the serialized node is sent to be deserialized in the session's own load context.
/// </summary>
/// <remarks>A null <c>uploadTimeout</c> reads <c>akka-media.remote.objects.upload-timeout</c> of the materializing system.</remarks>
internal sealed class ShippedNodeTarget(string name, CodePackage package, byte[] node, TimeSpan? uploadTimeout) : RemoteStageTarget
{
    public override string Name => name;

    public override async Task<object> PrepareOpenAsync(ActorSystem system, string executorAddress, string sessionId, RemoteTransport transport, ISourceRef<object>? input, IActorRef client, TimeSpan openTimeout, TraceContext trace)
    {
        var executor = await system.ActorSelection(executorAddress + ExecutorDirectoryActor.ExecutorPath).ResolveOne(openTimeout).ConfigureAwait(false);
        try
        {
            var timeout = uploadTimeout ?? RemoteObjectSettings.Create(system.Settings.Config, null).UploadTimeout;
            await PackageUploader.UploadAsync(system, executor, package, timeout).ConfigureAwait(false);
        }
        catch (PackageRejectedException e)
        {
            throw new RemoteStageException($"Executor {executorAddress} rejected the code of node '{name}': {e.Message}", executorAddress, e);
        }

        return new OpenNodeSession(sessionId, package.EntryAssembly, package.Entries, node, transport, input, client, trace)
        {
            Signature = PackageSigner.SignatureFor(system, package),
        };
    }
}

using Akka.Actor;
using Akka.Streams;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;
using AkkaMedia.Remote.Transport;

namespace AkkaMedia.Remote.Transport;

/// <summary>
/// A remote stage over the media link: the stage is itself the client end of a link channel (<paramref name="control"/>).
/// Connecting gets the shared link to the executor's endpoint (<see cref="LinkClient"/>), opens a channel for the
/// session and is open when the executor grants the first credit (the stage reports <see cref="DataPathOpen"/>).
/// Liveness is the link's: probes and <see cref="PeerSilence"/>.
/// </summary>
internal sealed class LinkDataPath(ILinkStageControl control, ActorSystem system, string nodeType, RemoteStageSettings settings) : IRemoteDataPath
{
    /// <summary>The session last connected to (a stage with failover connects to one per executor); the actor's thread only.</summary>
    private string? _sessionId;

    public RemoteTransport Transport => RemoteTransport.MediaLink;

    public ISourceRef<object>? Input => null;

    public bool PeerEnded => control.PeerEnded;

    /// <summary>Connecting (at most the open timeout) and the executor's answer on the channel (twice the open timeout).</summary>
    public TimeSpan ConnectTimeout => settings.OpenTimeout * 3;

    public bool Connect(SessionOpened opened, string executor, IActorRef owner)
    {
        _sessionId = opened.SessionId;
        if (opened.LinkEndpoint is null)
        {
            owner.Tell(new DataPathFailed(new RemoteStageException($"Executor {executor} does not offer a media link; use the StreamRefs transport with it.", executor)));
            return false;
        }

        var client = LinkClient.Get(system);
        client.GetAsync(opened.LinkEndpoint, executor, settings.HeartbeatInterval, settings.IdleTimeout, settings.OpenTimeout).ContinueWith(
            connected =>
            {
                if (connected.IsCompletedSuccessfully)
                {
                    // Thread-safe; false when the stage has stopped meanwhile, which its actor learns from the stage itself.
                    control.Open(connected.Result, client.NextChannel(), opened.SessionId);
                    return;
                }

                var cause = connected.Exception?.GetBaseException() ?? new TaskCanceledException("Connecting the media link was cancelled.");
                owner.Tell(new DataPathFailed(cause as RemoteStageException
                    ?? new RemoteStageException($"Remote stage '{nodeType}' lost its executor {executor}: {cause.Message}", executor, cause)));
            },
            TaskScheduler.Default);
        return false;
    }

    public RemoteStageException NotConnected(string executor) => new(
        $"Executor {executor} did not answer the media link channel of session {_sessionId} (remote stage '{nodeType}') within {ConnectTimeout.TotalSeconds:0.#} s.",
        executor);

    public void Fail(RemoteStageException error) => control.Fail(error);

    public void ExecutorLost(RemoteStageException error) => control.ExecutorLost(error);

    public void Stopped(string? executor)
    {
    }
}

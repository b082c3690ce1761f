using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;
using System.ComponentModel;

namespace AkkaMedia.Protocol.Liveness;

/// <summary>
/// Liveness for transports whose elements travel as stream elements (StreamRefs): the sending side injects
/// <see cref="StreamHeartbeat"/> when it has nothing to send, the receiving side drops heartbeats and fails when it has
/// heard nothing for the idle timeout. The media link keeps the same rule with probes of its own.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StreamLiveness
{
    /// <summary>Injects a <see cref="StreamHeartbeat"/> whenever no element passed for the heartbeat interval.</summary>
    public static Flow<object, object, NotUsed> KeepAlive(LivenessSettings settings) =>
        Flow.Create<object>().KeepAlive(settings.HeartbeatInterval, static () => (object)StreamHeartbeat.Instance);

    /// <summary>
    /// Passes every element but heartbeats; fails the stream with <paramref name="silent"/>() when nothing (heartbeats
    /// included) arrived for the idle timeout of this process's running time (<see cref="PeerSilence"/>).
    /// </summary>
    public static Flow<object, object, NotUsed> Watch(LivenessSettings settings, Func<Exception> silent) =>
        Flow.FromGraph(new SilenceWatch(settings, silent));
}

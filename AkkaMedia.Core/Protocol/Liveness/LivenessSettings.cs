using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;
using System.ComponentModel;


namespace AkkaMedia.Protocol.Liveness;

/// <summary>
/// How both ends of a remote session tell a live peer from a dead one, whatever the transport: each end sends something
/// (an element, a heartbeat, a link probe) at least every <see cref="HeartbeatInterval"/>, and presumes its peer dead when
/// it has heard nothing for <see cref="IdleTimeout"/> of its own running time (see <see cref="PeerSilence"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record LivenessSettings
{
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive or not below the idle timeout.</exception>
    public LivenessSettings(TimeSpan heartbeatInterval, TimeSpan idleTimeout)
    {
        if (heartbeatInterval <= TimeSpan.Zero || heartbeatInterval >= idleTimeout)
        {
            throw new ArgumentOutOfRangeException(
                nameof(heartbeatInterval), heartbeatInterval,
                $"heartbeat-interval must be positive and below idle-timeout ({idleTimeout.TotalMilliseconds} ms).");
        }

        HeartbeatInterval = heartbeatInterval;
        IdleTimeout = idleTimeout;
    }

    /// <summary>The longest an end stays silent while it runs.</summary>
    public TimeSpan HeartbeatInterval { get; }

    /// <summary>Silence of running time after which the peer is presumed dead.</summary>
    public TimeSpan IdleTimeout { get; }
}

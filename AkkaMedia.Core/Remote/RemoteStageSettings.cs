using Akka.Configuration;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Remote;

/// <summary>
/// The effective settings of one remote stage: <c>akka-media.remote</c> with <see cref="RemoteStageOptions"/> applied.
/// A key the configuration does not set takes its value from AkkaMedia.Core's <c>reference.conf</c>.
/// </summary>
internal sealed record RemoteStageSettings(string ExecutorRole, TimeSpan OpenTimeout, TimeSpan IdleTimeout, TimeSpan HeartbeatInterval, string? Executor, RemoteTransport Transport, int LinkWindow)
{
    /// <summary>The heartbeat interval and idle timeout as both transports apply them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive or not below the idle timeout (<see cref="Create"/> checks first, naming the key).</exception>
    public LivenessSettings Liveness { get; } = new(HeartbeatInterval, IdleTimeout);

    public static RemoteStageSettings Create(Config config, RemoteStageOptions? options)
    {
        var remote = new SettingsSection(config, "akka-media.remote");
        var executorRole = options?.ExecutorRole ?? remote.GetString("executor-role");
        var openTimeout = options?.OpenTimeout ?? remote.GetTimeSpan("open-timeout");
        var idleTimeout = options?.IdleTimeout ?? remote.GetTimeSpan("idle-timeout");
        var heartbeatInterval = options?.HeartbeatInterval ?? remote.GetTimeSpan("heartbeat-interval");
        var transport = options?.Transport ?? ParseTransport(remote.GetString("transport"), remote.Key("transport"));
        var linkWindow = remote.GetInt("link-window");
        if (linkWindow <= 0)
        {
            throw new ArgumentOutOfRangeException(remote.Key("link-window"), linkWindow, "link-window must be at least 1.");
        }

        if (openTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(remote.Key("open-timeout"), openTimeout, "open-timeout must be positive.");
        }

        if (heartbeatInterval <= TimeSpan.Zero || heartbeatInterval >= idleTimeout)
        {
            throw new ArgumentOutOfRangeException(
                remote.Key("heartbeat-interval"), heartbeatInterval,
                $"heartbeat-interval must be positive and below idle-timeout ({idleTimeout.TotalMilliseconds} ms).");
        }

        return new RemoteStageSettings(executorRole, openTimeout, idleTimeout, heartbeatInterval, options?.Executor, transport, linkWindow);
    }

    private static RemoteTransport ParseTransport(string value, string key) => value.ToLowerInvariant() switch
    {
        "streamrefs" or "streamref" => RemoteTransport.StreamRefs,
        "link" or "medialink" or "media-link" => RemoteTransport.MediaLink,
        _ => throw new ArgumentOutOfRangeException(key, value, "transport must be 'streamrefs' or 'link'."),
    };
}

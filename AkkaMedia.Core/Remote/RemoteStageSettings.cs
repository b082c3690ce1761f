using Akka.Configuration;

namespace AkkaMedia.Remote;

/// <summary>
/// The effective settings of one remote stage: <c>akka-media.remote</c> with <see cref="RemoteStageOptions"/> applied.
/// A key the configuration does not set takes its value from AkkaMedia.Core's <c>reference.conf</c>.
/// </summary>
internal sealed record RemoteStageSettings(string ExecutorRole, TimeSpan OpenTimeout, TimeSpan IdleTimeout, TimeSpan HeartbeatInterval, string? Executor, RemoteTransport Transport, int LinkWindow)
{
    public static RemoteStageSettings Create(Config config, RemoteStageOptions? options)
    {
        var remote = new SettingsSection(config, "akka-media.remote");
        var settings = new RemoteStageSettings(
            options?.ExecutorRole ?? remote.GetString("executor-role"),
            options?.OpenTimeout ?? remote.GetTimeSpan("open-timeout"),
            options?.IdleTimeout ?? remote.GetTimeSpan("idle-timeout"),
            options?.HeartbeatInterval ?? remote.GetTimeSpan("heartbeat-interval"),
            options?.Executor,
            options?.Transport ?? ParseTransport(remote.GetString("transport"), remote.Key("transport")),
            remote.GetInt("link-window"));
        if (settings.LinkWindow <= 0)
        {
            throw new ArgumentOutOfRangeException(remote.Key("link-window"), settings.LinkWindow, "link-window must be at least 1.");
        }

        if (settings.OpenTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(remote.Key("open-timeout"), settings.OpenTimeout, "open-timeout must be positive.");
        }

        if (settings.HeartbeatInterval <= TimeSpan.Zero || settings.HeartbeatInterval >= settings.IdleTimeout)
        {
            throw new ArgumentOutOfRangeException(
                remote.Key("heartbeat-interval"), settings.HeartbeatInterval,
                $"heartbeat-interval must be positive and below idle-timeout ({settings.IdleTimeout.TotalMilliseconds} ms).");
        }

        return settings;
    }

    private static RemoteTransport ParseTransport(string value, string key) => value.ToLowerInvariant() switch
    {
        "streamrefs" or "streamref" => RemoteTransport.StreamRefs,
        "link" or "medialink" or "media-link" => RemoteTransport.MediaLink,
        _ => throw new ArgumentOutOfRangeException(key, value, "transport must be 'streamrefs' or 'link'."),
    };
}

using Akka.Configuration;

namespace AkkaMedia.Remote;

/// <summary>The effective settings of one remote stage: <c>akka-media.remote</c> with <see cref="RemoteStageOptions"/> applied.</summary>
internal sealed record RemoteStageSettings(string ExecutorRole, TimeSpan OpenTimeout, TimeSpan IdleTimeout, TimeSpan HeartbeatInterval, string? Executor, RemoteTransport Transport, int LinkWindow)
{
    public static RemoteStageSettings Create(Config config, RemoteStageOptions? options)
    {
        var section = config.GetConfig("akka-media.remote") ?? AkkaMediaConfig.Default.GetConfig("akka-media.remote");
        var settings = new RemoteStageSettings(
            options?.ExecutorRole ?? section.GetString("executor-role", "executor"),
            options?.OpenTimeout ?? section.GetTimeSpan("open-timeout", TimeSpan.FromSeconds(5)),
            options?.IdleTimeout ?? section.GetTimeSpan("idle-timeout", TimeSpan.FromSeconds(1)),
            options?.HeartbeatInterval ?? section.GetTimeSpan("heartbeat-interval", TimeSpan.FromMilliseconds(200)),
            options?.Executor,
            options?.Transport ?? ParseTransport(section.GetString("transport", "link")),
            section.GetInt("link-window", 64));
        if (settings.LinkWindow <= 0)
        {
            throw new ArgumentOutOfRangeException("akka-media.remote.link-window", settings.LinkWindow, "link-window must be at least 1.");
        }

        if (settings.OpenTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.remote.open-timeout", settings.OpenTimeout, "open-timeout must be positive.");
        }

        if (settings.HeartbeatInterval <= TimeSpan.Zero || settings.HeartbeatInterval >= settings.IdleTimeout)
        {
            throw new ArgumentOutOfRangeException(
                "akka-media.remote.heartbeat-interval", settings.HeartbeatInterval,
                $"heartbeat-interval must be positive and below idle-timeout ({settings.IdleTimeout.TotalMilliseconds} ms).");
        }

        return settings;
    }

    private static RemoteTransport ParseTransport(string value) => value.ToLowerInvariant() switch
    {
        "streamrefs" or "streamref" => RemoteTransport.StreamRefs,
        "link" or "medialink" or "media-link" => RemoteTransport.MediaLink,
        _ => throw new ArgumentOutOfRangeException("akka-media.remote.transport", value, "transport must be 'streamrefs' or 'link'."),
    };
}

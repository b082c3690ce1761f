using Akka.Configuration;

namespace AkkaMedia.Executor;

/// <summary>The settings of an executor node, read from <c>akka-media.executor</c>.</summary>
public sealed class ExecutorSettings
{
    private ExecutorSettings(int maxSessions, TimeSpan idleTimeout, TimeSpan subscriptionTimeout, TimeSpan heartbeatInterval, bool linkEnabled, string linkHostname, int linkPort, int linkWindow, TimeSpan drainTimeout)
    {
        DrainTimeout = drainTimeout;
        LinkEnabled = linkEnabled;
        LinkHostname = linkHostname;
        LinkPort = linkPort;
        LinkWindow = linkWindow;
        MaxSessions = maxSessions;
        IdleTimeout = idleTimeout;
        SubscriptionTimeout = subscriptionTimeout;
        HeartbeatInterval = heartbeatInterval;
    }

    /// <summary>Most sessions run at once; more are refused as at capacity.</summary>
    public int MaxSessions { get; }

    /// <summary>Client silence after which a session is stopped.</summary>
    public TimeSpan IdleTimeout { get; }

    /// <summary>How long a session's return stream waits for the client to subscribe.</summary>
    public TimeSpan SubscriptionTimeout { get; }

    /// <summary>Heartbeat interval on a quiet return stream.</summary>
    public TimeSpan HeartbeatInterval { get; }

    /// <summary>
    /// How long a stopping node waits for its running sessions to finish (<see cref="ExecutorActor.Drain"/>) before it
    /// fails the rest; zero fails them at once.
    /// </summary>
    public TimeSpan DrainTimeout { get; }

    /// <summary>Whether the executor offers a media link (the high-rate transport) besides StreamRefs.</summary>
    public bool LinkEnabled { get; }

    /// <summary>Host the media link listens on and advertises; empty means the remoting hostname.</summary>
    public string LinkHostname { get; }

    /// <summary>TCP port of the media link; 0 picks a free one.</summary>
    public int LinkPort { get; }

    /// <summary>Credit each session grants its client on the media link.</summary>
    public int LinkWindow { get; }

    /// <summary>The executor's own defaults (its embedded <c>reference.conf</c>).</summary>
    public static Config DefaultConfig { get; } = AkkaMediaConfig.Load(typeof(ExecutorSettings).Assembly, "AkkaMedia.Executor.reference.conf");

    /// <summary><paramref name="config"/> over the executor's defaults; the defaults themselves (or null) as they are.</summary>
    internal static Config WithDefaults(Config? config) =>
        config is null || config.IsEmpty || ReferenceEquals(config, DefaultConfig) ? DefaultConfig : config.WithFallback(DefaultConfig);

    /// <summary>Reads <c>akka-media.executor</c> from <paramref name="config"/>, falling back to the defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range or of the wrong kind; the message names the key and says what is allowed.</exception>
    public static ExecutorSettings Create(Config config)
    {
        // Read key by key so that a value of the wrong kind ("max-sessions = banana") is refused naming its key.
        var section = new SettingsSection(WithDefaults(config), "akka-media.executor");
        var maxSessions = section.GetInt("max-sessions");
        var idle = section.GetTimeSpan("idle-timeout");
        var subscription = section.GetTimeSpan("subscription-timeout");
        var heartbeat = section.GetTimeSpan("heartbeat-interval");
        if (maxSessions <= 0)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.max-sessions", maxSessions, "max-sessions must be at least 1.");
        }

        if (idle <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.idle-timeout", idle, "idle-timeout must be positive.");
        }

        if (subscription <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.subscription-timeout", subscription, "subscription-timeout must be positive.");
        }

        if (heartbeat <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.heartbeat-interval", heartbeat, "heartbeat-interval must be positive.");
        }

        if (heartbeat >= idle)
        {
            // Both transports presume a peer dead after idle-timeout without a heartbeat (LivenessSettings).
            throw new ArgumentOutOfRangeException(
                "akka-media.executor.heartbeat-interval", heartbeat, $"heartbeat-interval must be below idle-timeout ({idle.TotalMilliseconds} ms).");
        }

        var drain = section.GetTimeSpan("drain-timeout");
        if (drain < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.drain-timeout", drain, "drain-timeout must be zero or positive, e.g. 30s.");
        }

        var linkPort = section.GetInt("link.port");
        if (linkPort is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.link.port", linkPort, "link.port must be 0 (any free port) or a TCP port number.");
        }

        var linkWindow = section.GetInt("link.window");
        if (linkWindow <= 0)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.link.window", linkWindow, "link.window must be at least 1.");
        }

        return new ExecutorSettings(maxSessions, idle, subscription, heartbeat, section.GetBoolean("link.enabled"), section.GetString("link.hostname"), linkPort, linkWindow, drain);
    }
}

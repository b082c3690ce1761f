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

    /// <summary>
    /// Sessions one client node (one actor system address) may open per second, sustained and as a burst
    /// (<c>max-session-opens-per-second</c>); more are refused with <see cref="Protocol.RefusalReason.RateLimited"/>.
    /// </summary>
    public int MaxSessionOpensPerSecond { get; private init; }

    /// <summary>
    /// Per-client rates of session opens for client nodes with a cluster role
    /// (<c>session-opens-per-second-by-role { ROLE = N }</c>), in place of <see cref="MaxSessionOpensPerSecond"/>: a
    /// member with several listed roles gets the highest of their rates. Empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, int> SessionOpensPerSecondByRole { get; private init; } = new Dictionary<string, int>();

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

    /// <summary>
    /// The largest media link message (<c>link.max-message-size</c>) the executor reads; a client that announces a
    /// longer one has its link closed, told why.
    /// </summary>
    public int LinkMaxMessageSize { get; private init; }

    /// <summary>Most channels one media link may have bound at once (<c>link.max-channels</c>); an Open beyond is refused, the link stays up.</summary>
    public int LinkMaxChannels { get; private init; }

    /// <summary>
    /// Connections one remote IP address may open to the media link per second, sustained and as a burst
    /// (<c>link.max-connections-per-second</c>); more are closed as they are accepted.
    /// </summary>
    public int LinkMaxConnectionsPerSecond { get; private init; }

    /// <summary>
    /// Most accepted media link connections whose TLS handshake has not finished yet (<c>link.max-pending-handshakes</c>);
    /// a connection beyond is closed as it is accepted.
    /// </summary>
    public int LinkMaxPendingHandshakes { get; private init; }

    /// <summary>The executor's own defaults (its embedded <c>reference.conf</c>).</summary>
    public static Config DefaultConfig { get; } = AkkaMediaConfig.Load(typeof(ExecutorSettings).Assembly, "AkkaMedia.Executor.reference.conf");

    /// <summary>
    /// <c>session-opens-per-second-by-role</c>: each role's rate, a whole number of at least 1; a role name is any key of
    /// the section (quote names with dots).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The section is not an object, or a rate is not a whole number of at least 1; the message names the key.</exception>
    private static Dictionary<string, int> OpensByRole(Config config)
    {
        const string Key = "akka-media.executor.session-opens-per-second-by-role";
        var rates = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!config.HasPath(Key))
        {
            return rates;
        }

        var value = config.GetValue(Key);
        if (value.IsEmpty)
        {
            return rates;
        }

        if (!value.IsObject())
        {
            throw new ArgumentOutOfRangeException(Key, value.ToString(), $"{Key} must be an object of role = sessions per second, such as {{ edge = 200 }}.");
        }

        foreach (var (role, rate) in value.GetObject().Items)
        {
            var text = rate.IsString() ? rate.GetString().Trim() : rate.ToString();
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var perSecond) || perSecond < 1)
            {
                throw new ArgumentOutOfRangeException($"{Key}.{role}", text, $"{Key}.{role} must be a whole number of at least 1 (sessions a client node with role {role} may open per second), not '{text}'.");
            }

            rates[role] = perSecond;
        }

        return rates;
    }

    /// <summary><paramref name="config"/> over the executor's defaults; the defaults themselves (or null) as they are.</summary>
    internal static Config WithDefaults(Config? config) =>
        config is null || config.IsEmpty || ReferenceEquals(config, DefaultConfig) ? DefaultConfig : config.WithFallback(DefaultConfig);

    /// <summary>Reads <c>akka-media.executor</c> from <paramref name="config"/>, falling back to the defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range or of the wrong kind; the message names the key and says what is allowed.</exception>
    public static ExecutorSettings Create(Config config)
    {
        // Read key by key so that a value of the wrong kind ("max-sessions = banana") is refused naming its key.
        var withDefaults = WithDefaults(config);
        var section = new SettingsSection(withDefaults, "akka-media.executor");
        var maxSessions = section.GetInt("max-sessions");
        var opensPerSecond = section.GetInt("max-session-opens-per-second");
        if (opensPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(
                "akka-media.executor.max-session-opens-per-second", opensPerSecond, "max-session-opens-per-second must be at least 1 (sessions one client may open per second).");
        }

        var byRole = OpensByRole(withDefaults);
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

        var maxMessage = section.GetBytes("link.max-message-size");
        if (maxMessage is < 1024 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.link.max-message-size", maxMessage, "link.max-message-size must be between 1 KiB and 2 GiB, e.g. 16 MiB.");
        }

        var maxChannels = section.GetInt("link.max-channels");
        if (maxChannels <= 0)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.link.max-channels", maxChannels, "link.max-channels must be at least 1.");
        }

        var connectionRate = section.GetInt("link.max-connections-per-second");
        if (connectionRate <= 0)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.link.max-connections-per-second", connectionRate, "link.max-connections-per-second must be at least 1.");
        }

        var pendingHandshakes = section.GetInt("link.max-pending-handshakes");
        if (pendingHandshakes <= 0)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.link.max-pending-handshakes", pendingHandshakes, "link.max-pending-handshakes must be at least 1.");
        }

        return new ExecutorSettings(maxSessions, idle, subscription, heartbeat, section.GetBoolean("link.enabled"), section.GetString("link.hostname"), linkPort, linkWindow, drain)
        {
            MaxSessionOpensPerSecond = opensPerSecond,
            SessionOpensPerSecondByRole = byRole,
            LinkMaxMessageSize = (int)maxMessage,
            LinkMaxChannels = maxChannels,
            LinkMaxConnectionsPerSecond = connectionRate,
            LinkMaxPendingHandshakes = pendingHandshakes,
        };
    }
}

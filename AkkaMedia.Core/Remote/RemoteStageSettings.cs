using System.Runtime.CompilerServices;
using Akka.Configuration;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Remote;

/// <summary>
/// The effective settings of one remote stage: <c>akka-media.remote</c> with <see cref="RemoteStageOptions"/> applied.
/// A key the configuration does not set takes its value from AkkaMedia.Core's <c>reference.conf</c>.
/// </summary>
internal sealed record RemoteStageSettings(string ExecutorRole, TimeSpan OpenTimeout, TimeSpan IdleTimeout, TimeSpan HeartbeatInterval, string? Executor, RemoteTransport Transport, int LinkWindow)
{
    /// <summary>How the executor checkpoints the stage's node when the stage has failover; null without failover.</summary>
    public CheckpointPolicy? Checkpoints { get; init; }

    /// <summary>With failover: the inputs the stage keeps for replay at most.</summary>
    public int MaxUnacknowledged { get; init; }

    /// <summary>The heartbeat interval and idle timeout as both transports apply them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive or not below the idle timeout (<see cref="Create"/> checks first, naming the key).</exception>
    public LivenessSettings Liveness { get; } = new(HeartbeatInterval, IdleTimeout);

    /// <summary>
    /// The section's values of each configuration read so far: a stage is materialized for every session, and merging
    /// <c>reference.conf</c> behind the configuration and reading it again cost more than the rest of opening a session
    /// on the client. A <see cref="Config"/> is immutable, so its values never change; the table does not keep it alive.
    /// </summary>
    private static readonly ConditionalWeakTable<Config, Section> Sections = new();

    public static RemoteStageSettings Create(Config config, RemoteStageOptions? options)
    {
        ArgumentNullException.ThrowIfNull(config);

        // A section that fails to read throws here and is not cached, so the next stage reports the same error.
        var remote = Sections.GetValue(config, static c => Section.Read(c));
        var executorRole = options?.ExecutorRole ?? remote.ExecutorRole;
        var openTimeout = options?.OpenTimeout ?? remote.OpenTimeout;
        var idleTimeout = options?.IdleTimeout ?? remote.IdleTimeout;
        var heartbeatInterval = options?.HeartbeatInterval ?? remote.HeartbeatInterval;
        var transport = options?.Transport ?? remote.Transport;
        if (openTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(Section.Path + ".open-timeout", openTimeout, "open-timeout must be positive.");
        }

        if (heartbeatInterval <= TimeSpan.Zero || heartbeatInterval >= idleTimeout)
        {
            throw new ArgumentOutOfRangeException(
                Section.Path + ".heartbeat-interval", heartbeatInterval,
                $"heartbeat-interval must be positive and below idle-timeout ({idleTimeout.TotalMilliseconds} ms).");
        }

        var settings = new RemoteStageSettings(executorRole, openTimeout, idleTimeout, heartbeatInterval, options?.Executor, transport, remote.LinkWindow);
        if (!(options?.Failover ?? remote.Failover))
        {
            return settings;
        }

        const string failover = Section.Path + ".failover";
        if (transport != RemoteTransport.MediaLink)
        {
            throw new ArgumentException(
                $"Failover needs the media link transport, but this stage uses StreamRefs ({Section.Path}.transport = streamrefs, or --transport streamrefs): drop failover, or use transport = link.",
                failover + ".enabled");
        }

        var every = options?.CheckpointEvery ?? remote.CheckpointEvery;
        var interval = options?.CheckpointInterval ?? remote.CheckpointInterval;
        var maxUnacknowledged = options?.MaxUnacknowledged ?? remote.MaxUnacknowledged;
        if (every < 1)
        {
            throw new ArgumentOutOfRangeException(failover + ".checkpoint-every", every, "checkpoint-every must be at least 1.");
        }

        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(failover + ".checkpoint-interval", interval, "checkpoint-interval must be positive.");
        }

        if (maxUnacknowledged <= every)
        {
            throw new ArgumentOutOfRangeException(
                failover + ".max-unacknowledged", maxUnacknowledged,
                $"max-unacknowledged must be above checkpoint-every ({every}): the stage must be able to send the inputs a checkpoint waits for.");
        }

        return settings with { Checkpoints = new CheckpointPolicy(every, interval), MaxUnacknowledged = maxUnacknowledged };
    }

    /// <summary><c>akka-media.remote</c> of one configuration as read, each key checked on its own (options may still override it).</summary>
    private sealed record Section(
        string ExecutorRole, TimeSpan OpenTimeout, TimeSpan IdleTimeout, TimeSpan HeartbeatInterval, RemoteTransport Transport, int LinkWindow,
        bool Failover, int CheckpointEvery, TimeSpan CheckpointInterval, int MaxUnacknowledged)
    {
        public const string Path = "akka-media.remote";

        public static Section Read(Config config)
        {
            var remote = new SettingsSection(config, Path);
            var linkWindow = remote.GetInt("link-window");
            if (linkWindow <= 0)
            {
                throw new ArgumentOutOfRangeException(remote.Key("link-window"), linkWindow, "link-window must be at least 1.");
            }

            return new Section(
                remote.GetString("executor-role"),
                remote.GetTimeSpan("open-timeout"),
                remote.GetTimeSpan("idle-timeout"),
                remote.GetTimeSpan("heartbeat-interval"),
                ParseTransport(remote.GetString("transport"), remote.Key("transport")),
                linkWindow,
                remote.GetBoolean("failover.enabled"),
                remote.GetInt("failover.checkpoint-every"),
                remote.GetTimeSpan("failover.checkpoint-interval"),
                remote.GetInt("failover.max-unacknowledged"));
        }
    }

    private static RemoteTransport ParseTransport(string value, string key) => value.ToLowerInvariant() switch
    {
        "streamrefs" or "streamref" => RemoteTransport.StreamRefs,
        "link" or "medialink" or "media-link" => RemoteTransport.MediaLink,
        _ => throw new ArgumentOutOfRangeException(key, value, "transport must be 'streamrefs' or 'link'."),
    };
}

using System.Runtime.CompilerServices;
using Akka.Configuration;

namespace AkkaMedia.Remote;

/// <summary>
/// The effective client settings of one deployment: <c>akka-media.remote</c> with <see cref="RemoteObjectOptions"/> applied.
/// A key the configuration does not set takes its value from AkkaMedia.Core's <c>reference.conf</c>. <c>Link</c> says how
/// calls travel (<c>akka-media.remote.transport</c> or <see cref="RemoteObjectOptions.Transport"/>) and holds the liveness of
/// a media link, read as a remote stage reads them.
/// </summary>
internal sealed record RemoteObjectSettings(string ExecutorRole, TimeSpan OpenTimeout, TimeSpan UploadTimeout, TimeSpan LoadTimeout, TimeSpan? CallTimeout, string? Executor, RemoteStageSettings Link)
{
    /// <summary>The configured settings (no options) of each configuration read so far: a deploy does not parse HOCON again.</summary>
    private static readonly ConditionalWeakTable<Config, RemoteObjectSettings> Configured = new();

    /// <summary>The settings of <paramref name="config"/> with <paramref name="options"/> applied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A timeout is not positive; the message names the key or option.</exception>
    public static RemoteObjectSettings Create(Config config, RemoteObjectOptions? options)
    {
        var configured = Configured.GetValue(config, static c => Read(c));
        if (options is null)
        {
            return configured;
        }

        var settings = configured with
        {
            ExecutorRole = options.ExecutorRole ?? configured.ExecutorRole,
            OpenTimeout = options.OpenTimeout ?? configured.OpenTimeout,
            UploadTimeout = options.UploadTimeout ?? configured.UploadTimeout,
            CallTimeout = options.CallTimeout,
            Executor = options.Executor,
            Link = options.Transport is { } transport ? configured.Link with { Transport = transport } : configured.Link,
        };
        Positive(settings.OpenTimeout, "OpenTimeout", "OpenTimeout");
        Positive(settings.UploadTimeout, "UploadTimeout", "UploadTimeout");
        if (settings.CallTimeout is { } call)
        {
            Positive(call, "CallTimeout", "CallTimeout");
        }

        return settings;
    }

    private static RemoteObjectSettings Read(Config config)
    {
        var remote = new SettingsSection(config, "akka-media.remote");
        var settings = new RemoteObjectSettings(
            remote.GetString("executor-role"),
            remote.GetTimeSpan("open-timeout"),
            remote.GetTimeSpan("objects.upload-timeout"),
            remote.GetTimeSpan("objects.load-timeout"),
            null,
            null,
            RemoteStageSettings.Create(config, null));
        Positive(settings.OpenTimeout, remote.Key("open-timeout"), "OpenTimeout");
        Positive(settings.UploadTimeout, remote.Key("objects.upload-timeout"), "UploadTimeout");
        Positive(settings.LoadTimeout, remote.Key("objects.load-timeout"), "load-timeout");
        return settings;
    }

    /// <summary>How long a deploy waits for one executor's answer once the code is uploaded.</summary>
    public TimeSpan DeployAnswerTimeout => OpenTimeout + (CallTimeout ?? LoadTimeout);

    private static void Positive(TimeSpan value, string key, string option)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(key, value, $"{option} must be positive.");
        }
    }
}

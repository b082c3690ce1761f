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
    public static RemoteObjectSettings Create(Config config, RemoteObjectOptions? options)
    {
        var remote = new SettingsSection(config, "akka-media.remote");
        var link = RemoteStageSettings.Create(config, options?.Transport is { } transport ? new RemoteStageOptions { Transport = transport } : null);
        var settings = new RemoteObjectSettings(
            options?.ExecutorRole ?? remote.GetString("executor-role"),
            options?.OpenTimeout ?? remote.GetTimeSpan("open-timeout"),
            options?.UploadTimeout ?? remote.GetTimeSpan("objects.upload-timeout"),
            remote.GetTimeSpan("objects.load-timeout"),
            options?.CallTimeout,
            options?.Executor,
            link);
        Positive(settings.OpenTimeout, remote.Key("open-timeout"), "OpenTimeout");
        Positive(settings.UploadTimeout, remote.Key("objects.upload-timeout"), "UploadTimeout");
        Positive(settings.LoadTimeout, remote.Key("objects.load-timeout"), "load-timeout");
        if (settings.CallTimeout is { } call)
        {
            Positive(call, "CallTimeout", "CallTimeout");
        }

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

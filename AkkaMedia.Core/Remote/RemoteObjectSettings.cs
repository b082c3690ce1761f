using Akka.Configuration;

namespace AkkaMedia.Remote;

/// <summary>The effective client settings of one deployment: <c>akka-media.remote</c> with <see cref="RemoteObjectOptions"/> applied.</summary>
internal sealed record RemoteObjectSettings(string ExecutorRole, TimeSpan OpenTimeout, TimeSpan UploadTimeout, TimeSpan LoadTimeout, TimeSpan? CallTimeout, string? Executor)
{
    public static RemoteObjectSettings Create(Config config, RemoteObjectOptions? options)
    {
        var section = config.GetConfig("akka-media.remote") ?? AkkaMediaConfig.Default.GetConfig("akka-media.remote");
        var settings = new RemoteObjectSettings(
            options?.ExecutorRole ?? section.GetString("executor-role", "executor"),
            options?.OpenTimeout ?? section.GetTimeSpan("open-timeout", TimeSpan.FromSeconds(5)),
            options?.UploadTimeout ?? section.GetTimeSpan("objects.upload-timeout", TimeSpan.FromSeconds(60)),
            section.GetTimeSpan("objects.load-timeout", TimeSpan.FromSeconds(30)),
            options?.CallTimeout,
            options?.Executor);
        Positive(settings.OpenTimeout, "akka-media.remote.open-timeout", "OpenTimeout");
        Positive(settings.UploadTimeout, "akka-media.remote.objects.upload-timeout", "UploadTimeout");
        Positive(settings.LoadTimeout, "akka-media.remote.objects.load-timeout", "load-timeout");
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

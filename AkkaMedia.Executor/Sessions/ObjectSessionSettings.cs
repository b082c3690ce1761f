using Akka.Configuration;

namespace AkkaMedia.Executor.Sessions;

/// <summary>The limits of object and shipped-node sessions, read from <c>akka-media.executor.objects</c>.</summary>
internal sealed record ObjectSessionSettings(TimeSpan CallTimeout, TimeSpan MaxCallTimeout)
{
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the key.</exception>
    public static ObjectSessionSettings Create(Config config)
    {
        var section = ExecutorSettings.WithDefaults(config).GetConfig("akka-media.executor.objects");
        var settings = new ObjectSessionSettings(section.GetTimeSpan("call-timeout"), section.GetTimeSpan("max-call-timeout"));
        if (settings.CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("akka-media.executor.objects.call-timeout", settings.CallTimeout, "call-timeout must be positive.");
        }

        if (settings.MaxCallTimeout < settings.CallTimeout)
        {
            throw new ArgumentOutOfRangeException(
                "akka-media.executor.objects.max-call-timeout", settings.MaxCallTimeout, $"max-call-timeout must be at least call-timeout ({settings.CallTimeout}).");
        }

        return settings;
    }
}

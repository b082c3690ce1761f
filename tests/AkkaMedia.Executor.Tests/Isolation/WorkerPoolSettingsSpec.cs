using Akka.Configuration;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

public sealed class WorkerPoolSettingsSpec
{
    [Fact]
    public void Settings_must_default_to_in_process_with_two_warm_workers()
    {
        var settings = WorkerPoolSettings.Create(Config.Empty);

        Assert.False(settings.Process);
        Assert.Equal(2, settings.Warm);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.StartTimeout);
        Assert.Equal(string.Empty, settings.WorkerAssembly);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "akka-media-workers"), settings.Folder);
    }

    [Fact]
    public void Settings_must_read_process_isolation_and_the_pool()
    {
        var settings = WorkerPoolSettings.Create(ConfigurationFactory.ParseString("""
            akka-media.executor.isolation = process
            akka-media.executor.workers { warm = 0, start-timeout = 3s, path = "/opt/w/AkkaMedia.Worker.dll", folder = "/var/lib/w" }
            """));

        Assert.Equal(new WorkerPoolSettings(true, 0, TimeSpan.FromSeconds(3), "/opt/w/AkkaMedia.Worker.dll", "/var/lib/w"), settings);
    }

    [Theory]
    [InlineData("akka-media.executor.isolation = sideways", "akka-media.executor.isolation")]
    [InlineData("akka-media.executor.workers.warm = -1", "akka-media.executor.workers.warm")]
    [InlineData("akka-media.executor.workers.start-timeout = 0s", "akka-media.executor.workers.start-timeout")]
    public void A_bad_setting_must_fail_naming_its_key(string hocon, string key)
    {
        var error = Assert.Throws<ArgumentException>(() => WorkerPoolSettings.Create(ConfigurationFactory.ParseString(hocon)));

        Assert.Contains(key, error.Message);
    }
}

using Akka.Configuration;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

public sealed class WorkerSettingsSpec
{
    [Fact]
    public void The_defaults_must_run_shipped_code_in_process_and_confine_workers_under_bubblewrap()
    {
        var settings = WorkerSettings.Create(ExecutorSettings.DefaultConfig);

        Assert.Equal(CodeIsolation.InProcess, settings.Isolation);
        Assert.Equal(WorkerSandbox.Bubblewrap, settings.Sandbox);
        Assert.Equal(512L << 20, settings.MemoryLimit);
        Assert.Equal(1.0, settings.CpuLimit);
        Assert.Equal(64, settings.MaxProcesses);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.StartTimeout);
        Assert.Equal(2, settings.Warm);
        Assert.Equal(string.Empty, settings.Path);
        Assert.Equal(Path.Combine(Path.GetTempPath(), "akka-media-workers"), settings.FolderOrDefault);
    }

    [Fact]
    public void Set_values_must_be_read_and_the_rest_fall_back_to_the_defaults()
    {
        var settings = WorkerSettings.Create(ConfigurationFactory.ParseString("""
            akka-media.executor.isolation = process
            akka-media.executor.workers { sandbox = none, memory-limit = 256 MiB, cpu-limit = 0.5, folder = "/var/lib/workers" }
            """));

        Assert.Equal(CodeIsolation.Process, settings.Isolation);
        Assert.Equal(WorkerSandbox.None, settings.Sandbox);
        Assert.Equal(256L << 20, settings.MemoryLimit);
        Assert.Equal(0.5, settings.CpuLimit);
        Assert.Equal(64, settings.MaxProcesses);
        Assert.Equal("/var/lib/workers", settings.FolderOrDefault);
    }

    [Theory]
    [InlineData("akka-media.executor.isolation = sandboxed", "akka-media.executor.isolation", "in-process or process")]
    [InlineData("akka-media.executor.workers.sandbox = docker", "akka-media.executor.workers.sandbox", "bubblewrap or none")]
    [InlineData("akka-media.executor.workers.memory-limit = 1 MiB", "akka-media.executor.workers.memory-limit", "at least 32 MiB")]
    [InlineData("akka-media.executor.workers.memory-limit = lots", "akka-media.executor.workers.memory-limit", "a size")]
    [InlineData("akka-media.executor.workers.cpu-limit = 0", "akka-media.executor.workers.cpu-limit", "positive number of cores")]
    [InlineData("akka-media.executor.workers.cpu-limit = fast", "akka-media.executor.workers.cpu-limit", "positive number of cores")]
    [InlineData("akka-media.executor.workers.max-processes = 0", "akka-media.executor.workers.max-processes", "at least 1")]
    [InlineData("akka-media.executor.workers.start-timeout = 0s", "akka-media.executor.workers.start-timeout", "positive")]
    [InlineData("akka-media.executor.workers.warm = -1", "akka-media.executor.workers.warm", "0 or more")]
    public void A_bad_value_must_fail_naming_its_key(string hocon, string key, string expected)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => WorkerSettings.Create(ConfigurationFactory.ParseString(hocon)));

        Assert.Equal(key, error.ParamName);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(64L << 20, "64 MiB")]
    [InlineData(1L << 30, "1 GiB")]
    [InlineData(3L << 29, "1.5 GiB")]
    [InlineData(1000, "1000 bytes")]
    public void Sizes_in_messages_must_read_as_the_configuration_writes_them(long bytes, string text) =>
        Assert.Equal(text, WorkerSettings.FormatBytes(bytes));
}

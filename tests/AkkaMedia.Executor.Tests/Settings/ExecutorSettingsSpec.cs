using Akka.Configuration;
using AkkaMedia.Executor;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Sandbox;
using Xunit;

namespace AkkaMedia.Executor.Tests.Settings;

public sealed class ExecutorSettingsSpec
{
    [Fact]
    public void Every_settings_reader_must_accept_the_executor_defaults_themselves()
    {
        var defaults = ExecutorSettings.DefaultConfig;

        var executor = ExecutorSettings.Create(defaults);
        var sandbox = SandboxPolicy.Create(defaults);
        var packages = PackageStoreSettings.Create(defaults);

        Assert.Equal(defaults.GetInt("akka-media.executor.max-sessions"), executor.MaxSessions);
        Assert.Equal(defaults.GetBoolean("akka-media.executor.sandbox.enabled"), sandbox.Enabled);
        Assert.Equal(defaults.GetByteSize("akka-media.executor.packages.max-package-bytes") ?? -1, packages.MaxPackageBytes);
    }

    [Fact]
    public void A_partial_config_must_fall_back_to_the_defaults_for_the_rest()
    {
        var executor = ExecutorSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.max-sessions = 3"));

        Assert.Equal(3, executor.MaxSessions);
        Assert.Equal(ExecutorSettings.DefaultConfig.GetTimeSpan("akka-media.executor.idle-timeout"), executor.IdleTimeout);
    }
}

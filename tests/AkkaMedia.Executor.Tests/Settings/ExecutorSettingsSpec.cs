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

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("banana")]
    public void A_rate_of_session_opens_below_one_must_be_refused_naming_its_key(string value)
    {
        var refused = Assert.ThrowsAny<ArgumentException>(
            () => ExecutorSettings.Create(ConfigurationFactory.ParseString($"akka-media.executor.max-session-opens-per-second = {value}")));

        Assert.Equal("akka-media.executor.max-session-opens-per-second", refused.ParamName);
    }

    [Fact]
    public void The_rate_of_session_opens_must_be_read_per_client_with_a_default_of_500()
    {
        Assert.Equal(500, ExecutorSettings.Create(ExecutorSettings.DefaultConfig).MaxSessionOpensPerSecond);
        Assert.Equal(20, ExecutorSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.max-session-opens-per-second = 20")).MaxSessionOpensPerSecond);
    }
    [Fact]
    public void Rates_of_session_opens_by_role_must_be_read_per_role_and_be_empty_by_default()
    {
        Assert.Empty(ExecutorSettings.Create(ExecutorSettings.DefaultConfig).SessionOpensPerSecondByRole);

        var rates = ExecutorSettings.Create(ConfigurationFactory.ParseString(
            "akka-media.executor.session-opens-per-second-by-role { edge = 200, \"call.center\" = 50 }")).SessionOpensPerSecondByRole;

        Assert.Equal(new Dictionary<string, int> { ["edge"] = 200, ["call.center"] = 50 }, rates);
    }

    [Theory]
    [InlineData("edge = 0")]
    [InlineData("edge = -3")]
    [InlineData("edge = banana")]
    [InlineData("edge = 2.5")]
    public void A_rate_by_role_that_is_not_a_whole_number_of_at_least_one_must_be_refused_naming_its_key(string entry)
    {
        var refused = Assert.ThrowsAny<ArgumentException>(
            () => ExecutorSettings.Create(ConfigurationFactory.ParseString($"akka-media.executor.session-opens-per-second-by-role {{ {entry} }}")));

        Assert.Equal("akka-media.executor.session-opens-per-second-by-role.edge", refused.ParamName);
        Assert.Contains("whole number of at least 1", refused.Message);
    }

    [Fact]
    public void Rates_by_role_that_are_not_an_object_must_be_refused_naming_the_key()
    {
        var refused = Assert.ThrowsAny<ArgumentException>(
            () => ExecutorSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.session-opens-per-second-by-role = 200")));

        Assert.Equal("akka-media.executor.session-opens-per-second-by-role", refused.ParamName);
    }
}

using Akka.Configuration;
using AkkaMedia.Host.Admin;
using AkkaMedia.Host.Hosting;

namespace AkkaMedia.Host.Tests.Admin;

public sealed class AdminSettingsSpec
{
    [Fact]
    public void Defaults_must_listen_on_loopback_port_9110_without_a_token()
    {
        var settings = AdminSettings.Create(Config.Empty);

        Assert.True(settings.Enabled);
        Assert.Equal("127.0.0.1", settings.Hostname);
        Assert.Equal(9110, settings.Port);
        Assert.Equal(string.Empty, settings.Token);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.IdleTimeout);
        Assert.True(settings.IsLoopback);
    }

    [Fact]
    public void A_non_loopback_address_must_require_a_token()
    {
        var error = Assert.Throws<ArgumentException>(() => AdminSettings.Create(ConfigurationFactory.ParseString("akka-media.admin.hostname = 0.0.0.0")));
        var withToken = AdminSettings.Create(ConfigurationFactory.ParseString("akka-media.admin { hostname = 0.0.0.0, token = abc }"));

        Assert.Contains("akka-media.admin.token", error.Message);
        Assert.False(withToken.IsLoopback);
        Assert.Equal("abc", withToken.Token);
    }

    [Theory]
    [InlineData("akka-media.admin.port = 70000", "akka-media.admin.port")]
    [InlineData("akka-media.admin.port = -1", "akka-media.admin.port")]
    [InlineData("akka-media.admin.idle-timeout = 0s", "akka-media.admin.idle-timeout")]
    [InlineData("akka-media.admin.max-connections = 0", "akka-media.admin.max-connections")]
    public void Out_of_range_values_must_fail_naming_the_key(string hocon, string key)
    {
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => AdminSettings.Create(ConfigurationFactory.ParseString(hocon)));

        Assert.Equal(key, error.ParamName);
    }

    [Fact]
    public void Node_flags_must_override_the_admin_port_and_hostname()
    {
        var options = new ClusterNodeOptions("127.0.0.1", 4053, ["127.0.0.1:4053"], ["executor"], null) { AdminPort = 0, AdminHostname = "::1" };

        var settings = AdminSettings.Create(options.ToConfig("executor.conf"));

        Assert.Equal(0, settings.Port);
        Assert.Equal("::1", settings.Hostname);
        Assert.True(settings.IsLoopback);
    }
}

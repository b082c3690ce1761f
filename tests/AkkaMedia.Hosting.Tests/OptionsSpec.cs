using AkkaMedia.Hosting;

namespace AkkaMedia.Hosting.Tests;

/// <summary>The options emit HOCON only for what is set, the Akka.Hosting way, and refuse what is wrong with a clear message.</summary>
public sealed class OptionsSpec
{
    [Fact]
    public void Unset_options_must_leave_addresses_and_limits_to_the_other_configuration()
    {
        var hocon = new AkkaMediaExecutorOptions().ToHocon();

        Assert.Equal("cluster", hocon.GetString("akka.actor.provider"));
        Assert.Equal(["executor"], hocon.GetStringList("akka.cluster.roles"));
        Assert.False(hocon.HasPath("akka.remote.dot-netty.tcp.hostname"));
        Assert.False(hocon.HasPath("akka.remote.dot-netty.tcp.port"));
        Assert.False(hocon.HasPath("akka.cluster.seed-nodes"));
        Assert.False(hocon.HasPath("akka-media.executor.max-sessions"));
    }

    [Fact]
    public void Set_options_must_become_their_keys_with_seeds_expanded()
    {
        var executor = new AkkaMediaExecutorOptions { Seeds = ["10.0.0.5:4053"], Hostname = "10.0.0.7", Port = 4053, Roles = ["gpu"], MaxSessions = 64, MaxSessionOpensPerSecond = 40, Isolation = ShippedCodeIsolation.Process }.ToHocon();
        var client = new AkkaMediaClientOptions { Seeds = ["akka.tcp://media@10.0.0.5:4053"], Port = 0, OpenTimeout = TimeSpan.FromSeconds(20) }.ToHocon();

        Assert.Equal(["akka.tcp://media@10.0.0.5:4053"], executor.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("10.0.0.7", executor.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4053, executor.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(["executor", "gpu"], executor.GetStringList("akka.cluster.roles"));
        Assert.Equal(64, executor.GetInt("akka-media.executor.max-sessions"));
        Assert.Equal(40, executor.GetInt("akka-media.executor.max-session-opens-per-second"));
        Assert.Equal("process", executor.GetString("akka-media.executor.isolation"));
        Assert.Equal("in-process", new AkkaMediaExecutorOptions { Isolation = ShippedCodeIsolation.InProcess }.ToHocon().GetString("akka-media.executor.isolation"));
        Assert.False(new AkkaMediaExecutorOptions().ToHocon().HasPath("akka-media.executor.isolation"));
        Assert.Equal(["client"], client.GetStringList("akka.cluster.roles"));
        Assert.Equal(0, client.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(TimeSpan.FromSeconds(20), client.GetTimeSpan("akka-media.remote.open-timeout"));
    }

    [Fact]
    public void Wrong_options_must_be_refused_naming_what_to_fix()
    {
        Assert.Contains("use host:port", Assert.Throws<ArgumentException>(() => new AkkaMediaClientOptions { Seeds = ["nowhere"] }.ToHocon()).Message, StringComparison.Ordinal);
        Assert.Contains("names the actor system 'other'", Assert.Throws<ArgumentException>(() => new AkkaMediaClientOptions { Seeds = ["akka.tcp://other@h:1"] }.ToHocon()).Message, StringComparison.Ordinal);
        Assert.Equal("Port", Assert.Throws<ArgumentOutOfRangeException>(() => new AkkaMediaClientOptions { Port = 70000 }.ToHocon()).ParamName);
        Assert.Equal("MaxSessions", Assert.Throws<ArgumentOutOfRangeException>(() => new AkkaMediaExecutorOptions { MaxSessions = 0 }.ToHocon()).ParamName);
        Assert.Equal("MaxSessionOpensPerSecond", Assert.Throws<ArgumentOutOfRangeException>(() => new AkkaMediaExecutorOptions { MaxSessionOpensPerSecond = 0 }.ToHocon()).ParamName);
        Assert.Equal("Isolation", Assert.Throws<ArgumentOutOfRangeException>(() => new AkkaMediaExecutorOptions { Isolation = (ShippedCodeIsolation)7 }.ToHocon()).ParamName);
    }
}

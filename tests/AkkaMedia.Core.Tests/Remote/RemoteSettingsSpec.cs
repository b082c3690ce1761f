using Akka.Configuration;
using AkkaMedia.Remote;

namespace AkkaMedia.Core.Tests.Remote;

/// <summary>
/// <c>akka-media.remote</c> read key by key: what the configuration sets wins, every other key comes from
/// AkkaMedia.Core's reference.conf, and a value that is wrong fails naming its key.
/// </summary>
public sealed class RemoteSettingsSpec
{
    private const string ForStage = "stage";
    private const string ForObject = "object";
    private static readonly Config Reference = AkkaMediaConfig.Default.GetConfig("akka-media.remote");

    [Fact]
    public void A_config_that_sets_only_the_open_timeout_must_take_every_other_remote_stage_key_from_reference_conf()
    {
        var settings = RemoteStageSettings.Create(ConfigurationFactory.ParseString("akka-media.remote.open-timeout = 3s"), null);

        Assert.Equal(TimeSpan.FromSeconds(3), settings.OpenTimeout);
        Assert.Equal(Reference.GetString("executor-role"), settings.ExecutorRole);
        Assert.Equal(Reference.GetTimeSpan("idle-timeout"), settings.IdleTimeout);
        Assert.Equal(Reference.GetTimeSpan("heartbeat-interval"), settings.HeartbeatInterval);
        Assert.Equal(Reference.GetInt("link-window"), settings.LinkWindow);
        Assert.Equal(RemoteTransport.MediaLink, settings.Transport);
        Assert.Equal("link", Reference.GetString("transport"));
    }

    [Fact]
    public void A_config_that_sets_only_the_open_timeout_must_take_every_other_remote_object_key_from_reference_conf()
    {
        var settings = RemoteObjectSettings.Create(ConfigurationFactory.ParseString("akka-media.remote.open-timeout = 3s"), null);

        Assert.Equal(TimeSpan.FromSeconds(3), settings.OpenTimeout);
        Assert.Equal(Reference.GetString("executor-role"), settings.ExecutorRole);
        Assert.Equal(Reference.GetTimeSpan("objects.upload-timeout"), settings.UploadTimeout);
        Assert.Equal(Reference.GetTimeSpan("objects.load-timeout"), settings.LoadTimeout);
    }

    [Fact]
    public void A_config_without_the_section_must_get_the_reference_conf_values()
    {
        var stage = RemoteStageSettings.Create(Config.Empty, null);
        var deploy = RemoteObjectSettings.Create(ConfigurationFactory.ParseString("akka.loglevel = INFO"), null);

        Assert.Equal(Reference.GetTimeSpan("open-timeout"), stage.OpenTimeout);
        Assert.Equal(Reference.GetTimeSpan("open-timeout"), deploy.OpenTimeout);
        Assert.Equal(Reference.GetString("executor-role"), deploy.ExecutorRole);
    }

    [Fact]
    public void Options_must_win_over_the_config_and_leave_the_other_keys_to_it()
    {
        var config = ConfigurationFactory.ParseString("akka-media.remote { open-timeout = 3s, executor-role = gpu }");

        var settings = RemoteStageSettings.Create(config, new RemoteStageOptions { OpenTimeout = TimeSpan.FromSeconds(9), Transport = RemoteTransport.StreamRefs });

        Assert.Equal(TimeSpan.FromSeconds(9), settings.OpenTimeout);
        Assert.Equal(RemoteTransport.StreamRefs, settings.Transport);
        Assert.Equal("gpu", settings.ExecutorRole);
    }

    [Fact]
    public void A_configuration_read_once_must_still_apply_each_stages_options_and_fail_again_on_every_read_of_a_bad_value()
    {
        var config = ConfigurationFactory.ParseString("akka-media.remote.open-timeout = 3s");

        var plain = RemoteStageSettings.Create(config, null);
        var overridden = RemoteStageSettings.Create(config, new RemoteStageOptions { OpenTimeout = TimeSpan.FromSeconds(9), IdleTimeout = TimeSpan.FromSeconds(4) });

        Assert.Equal(TimeSpan.FromSeconds(3), plain.OpenTimeout);
        Assert.Equal((TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(4)), (overridden.OpenTimeout, overridden.Liveness.IdleTimeout));
        Assert.Equal(plain, RemoteStageSettings.Create(config, null));
        var bad = ConfigurationFactory.ParseString("akka-media.remote.link-window = 0");
        for (var read = 0; read < 2; read++)
        {
            Assert.Equal("akka-media.remote.link-window", Assert.Throws<ArgumentOutOfRangeException>(() => RemoteStageSettings.Create(bad, null)).ParamName);
        }
    }

    [Theory]
    [InlineData(ForStage, "open-timeout = soon", "akka-media.remote.open-timeout")]
    [InlineData(ForStage, "open-timeout = 0s", "akka-media.remote.open-timeout")]
    [InlineData(ForStage, "idle-timeout = \"\"", "akka-media.remote.idle-timeout")]
    [InlineData(ForStage, "heartbeat-interval = 2s", "akka-media.remote.heartbeat-interval")]
    [InlineData(ForStage, "link-window = many", "akka-media.remote.link-window")]
    [InlineData(ForStage, "link-window = 0", "akka-media.remote.link-window")]
    [InlineData(ForStage, "transport = pigeon", "akka-media.remote.transport")]
    [InlineData(ForStage, "failover.enabled = maybe", "akka-media.remote.failover.enabled")]
    [InlineData(ForStage, "failover { enabled = on, checkpoint-every = 0 }", "akka-media.remote.failover.checkpoint-every")]
    [InlineData(ForStage, "failover { enabled = on, checkpoint-interval = 0s }", "akka-media.remote.failover.checkpoint-interval")]
    [InlineData(ForStage, "failover { enabled = on, checkpoint-every = 50, max-unacknowledged = 50 }", "akka-media.remote.failover.max-unacknowledged")]
    [InlineData(ForStage, "failover.enabled = on\nakka-media.remote.transport = streamrefs", "akka-media.remote.failover.enabled")]
    [InlineData(ForObject, "objects.upload-timeout = 1 fortnight", "akka-media.remote.objects.upload-timeout")]
    [InlineData(ForObject, "objects.load-timeout = -1s", "akka-media.remote.objects.load-timeout")]
    [InlineData(ForObject, "open-timeout = never", "akka-media.remote.open-timeout")]
    public void A_bad_value_must_fail_naming_its_key(string reader, string setting, string key)
    {
        var config = ConfigurationFactory.ParseString("akka-media.remote." + setting);

        var error = Assert.ThrowsAny<ArgumentException>(() => reader == ForStage ? RemoteStageSettings.Create(config, null) : (object)RemoteObjectSettings.Create(config, null));

        Assert.Equal(key, error.ParamName);
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Failover_must_be_off_by_default_and_take_its_checkpoint_cadence_from_reference_conf_when_a_stage_asks_for_it()
    {
        var plain = RemoteStageSettings.Create(Config.Empty, null);
        var failover = RemoteStageSettings.Create(Config.Empty, new RemoteStageOptions { Failover = true });
        var tuned = RemoteStageSettings.Create(
            ConfigurationFactory.ParseString("akka-media.remote.failover { enabled = on, checkpoint-every = 5, checkpoint-interval = 40ms, max-unacknowledged = 64 }"),
            new RemoteStageOptions { CheckpointEvery = 8 });

        Assert.False(Reference.GetBoolean("failover.enabled"));
        Assert.Null(plain.Checkpoints);
        Assert.Equal(new Protocol.CheckpointPolicy(Reference.GetInt("failover.checkpoint-every"), Reference.GetTimeSpan("failover.checkpoint-interval")), failover.Checkpoints);
        Assert.Equal(Reference.GetInt("failover.max-unacknowledged"), failover.MaxUnacknowledged);
        Assert.Equal(new Protocol.CheckpointPolicy(8, TimeSpan.FromMilliseconds(40)), tuned.Checkpoints);
        Assert.Equal(64, tuned.MaxUnacknowledged);
        Assert.Null(RemoteStageSettings.Create(ConfigurationFactory.ParseString("akka-media.remote.failover.enabled = on"), new RemoteStageOptions { Failover = false }).Checkpoints);
    }
}

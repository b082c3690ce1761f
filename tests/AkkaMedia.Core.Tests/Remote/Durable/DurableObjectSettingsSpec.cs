using Akka.Configuration;
using AkkaMedia.Remote.Durable;

namespace AkkaMedia.Core.Tests.Remote.Durable;

public sealed class DurableObjectSettingsSpec
{
    [Fact]
    public void A_config_without_the_section_must_get_the_reference_conf_values()
    {
        var settings = DurableObjectSettings.Create(ConfigurationFactory.ParseString("akka.loglevel = INFO"));

        Assert.Equal("durable-objects", settings.Role);
        Assert.Equal(DurableObjectSettings.SqliteJournalPlugin, settings.JournalPluginId);
        Assert.Equal(DurableObjectSettings.SqliteSnapshotPlugin, settings.SnapshotPluginId);
        Assert.Equal(1, settings.SaveEvery);
        Assert.Equal(TimeSpan.Zero, settings.SaveInterval);
        Assert.Equal(1000, settings.RememberedCalls);
        Assert.Equal(100, settings.SnapshotEvery);
        Assert.Equal(TimeSpan.FromSeconds(60), settings.AskTimeout);
        Assert.Equal(3, settings.CallAttempts);
        Assert.Equal(TimeSpan.FromSeconds(120), settings.IdleTimeout);
        Assert.Equal(100, settings.Shards);
    }

    [Fact]
    public void The_embedded_plugins_must_point_at_the_configured_sqlite_files()
    {
        var settings = DurableObjectSettings.Create(ConfigurationFactory.ParseString("""
            akka-media.durable.sqlite { journal-path = "/data/j.db", snapshot-path = "/data/s.db" }
            """));
        var plugins = settings.SqlitePlugins();

        Assert.Equal("Data Source=/data/j.db", plugins.GetString(DurableObjectSettings.SqliteJournalPlugin + ".connection-string"));
        Assert.Equal("Data Source=/data/s.db", plugins.GetString(DurableObjectSettings.SqliteSnapshotPlugin + ".connection-string"));
        Assert.Equal("SQLite.MS", plugins.GetString(DurableObjectSettings.SqliteJournalPlugin + ".provider-name"));
    }

    [Fact]
    public void A_configured_journal_plugin_must_replace_the_embedded_one()
    {
        var settings = DurableObjectSettings.Create(ConfigurationFactory.ParseString("""akka-media.durable.journal-plugin = "akka.persistence.journal.sql" """));

        Assert.Equal("akka.persistence.journal.sql", settings.JournalPluginId);
        Assert.Equal(DurableObjectSettings.SqliteSnapshotPlugin, settings.SnapshotPluginId);
    }

    [Theory]
    [InlineData("save-every = 0", "akka-media.durable.save-every")]
    [InlineData("save-interval = -1s", "akka-media.durable.save-interval")]
    [InlineData("remembered-calls = 0", "akka-media.durable.remembered-calls")]
    [InlineData("ask-timeout = 0s", "akka-media.durable.ask-timeout")]
    [InlineData("call-attempts = 0", "akka-media.durable.call-attempts")]
    [InlineData("number-of-shards = 0", "akka-media.durable.number-of-shards")]
    [InlineData("role = \"\"", "akka-media.durable.role")]
    [InlineData("save-every = lots", "akka-media.durable.save-every")]
    [InlineData("sqlite.snapshot-path = \"akka-media-durable.db\"", "akka-media.durable.sqlite.snapshot-path")]
    public void A_bad_value_must_fail_naming_its_key(string setting, string key)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DurableObjectSettings.Create(ConfigurationFactory.ParseString("akka-media.durable." + setting)));

        Assert.Equal(key, error.ParamName);
    }
}

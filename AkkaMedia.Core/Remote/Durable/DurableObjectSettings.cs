using Akka.Configuration;

namespace AkkaMedia.Remote.Durable;

/// <summary>
/// <c>akka-media.durable</c>, read once per actor system: where durable objects live, where their journal is and how
/// often their state is saved. A key the configuration does not set takes its value from AkkaMedia.Core's
/// <c>reference.conf</c>.
/// </summary>
internal sealed record DurableObjectSettings(
    string Role,
    string JournalPlugin,
    string SnapshotPlugin,
    string SqliteJournalPath,
    string SqliteSnapshotPath,
    int SaveEvery,
    TimeSpan SaveInterval,
    int RememberedCalls,
    int SnapshotEvery,
    TimeSpan AskTimeout,
    int CallAttempts,
    TimeSpan IdleTimeout,
    int Shards)
{
    /// <summary>The plugin id of the embedded SQLite journal, configured from <c>sqlite.journal-path</c>.</summary>
    public const string SqliteJournalPlugin = "akka-media.durable.sqlite-journal";

    /// <summary>The plugin id of the embedded SQLite snapshot store, configured from <c>sqlite.snapshot-path</c>.</summary>
    public const string SqliteSnapshotPlugin = "akka-media.durable.sqlite-snapshot-store";

    /// <summary>The settings of <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the key and how to fix it.</exception>
    public static DurableObjectSettings Create(Config config)
    {
        var section = new SettingsSection(config, "akka-media.durable");
        var settings = new DurableObjectSettings(
            section.GetString("role"),
            section.GetString("journal-plugin"),
            section.GetString("snapshot-plugin"),
            section.GetString("sqlite.journal-path"),
            section.GetString("sqlite.snapshot-path"),
            section.GetInt("save-every"),
            section.GetTimeSpan("save-interval"),
            section.GetInt("remembered-calls"),
            section.GetInt("snapshot-every"),
            section.GetTimeSpan("ask-timeout"),
            section.GetInt("call-attempts"),
            section.GetTimeSpan("idle-timeout"),
            section.GetInt("number-of-shards"));
        Check(settings.Role.Length > 0, section.Key("role"), settings.Role, "must name the cluster role of the nodes that host durable objects (by default \"durable-objects\").");
        Check(settings.SaveEvery >= 1, section.Key("save-every"), settings.SaveEvery, "must be at least 1 (1 saves the state after every call).");
        Check(settings.SaveInterval >= TimeSpan.Zero, section.Key("save-interval"), settings.SaveInterval, "must be 0s (save by count only) or positive.");
        Check(settings.RememberedCalls >= 1, section.Key("remembered-calls"), settings.RememberedCalls, "must be at least 1.");
        Check(settings.SnapshotEvery >= 1, section.Key("snapshot-every"), settings.SnapshotEvery, "must be at least 1.");
        Check(settings.AskTimeout > TimeSpan.Zero, section.Key("ask-timeout"), settings.AskTimeout, "must be positive.");
        Check(settings.CallAttempts >= 1, section.Key("call-attempts"), settings.CallAttempts, "must be at least 1.");
        Check(settings.IdleTimeout >= TimeSpan.Zero, section.Key("idle-timeout"), settings.IdleTimeout, "must be 0s (never deactivate) or positive.");
        Check(settings.Shards >= 1, section.Key("number-of-shards"), settings.Shards, "must be at least 1.");
        if (settings.JournalPlugin.Length == 0)
        {
            Check(settings.SqliteJournalPath.Length > 0, section.Key("sqlite.journal-path"), settings.SqliteJournalPath, "must name the SQLite file of the journal when journal-plugin is empty.");
        }

        if (settings.SnapshotPlugin.Length == 0)
        {
            Check(settings.SqliteSnapshotPath.Length > 0, section.Key("sqlite.snapshot-path"), settings.SqliteSnapshotPath, "must name the SQLite file of the snapshots when snapshot-plugin is empty.");
            Check(
                settings.JournalPlugin.Length > 0 || !string.Equals(Path.GetFullPath(settings.SqliteSnapshotPath), Path.GetFullPath(settings.SqliteJournalPath), StringComparison.Ordinal),
                section.Key("sqlite.snapshot-path"),
                settings.SqliteSnapshotPath,
                "must differ from sqlite.journal-path: SQLite locks a file per writer, and the journal and snapshot store write at once.");
        }

        return settings;
    }

    /// <summary>The journal plugin id durable objects use.</summary>
    public string JournalPluginId => JournalPlugin.Length > 0 ? JournalPlugin : SqliteJournalPlugin;

    /// <summary>The snapshot store plugin id durable objects use.</summary>
    public string SnapshotPluginId => SnapshotPlugin.Length > 0 ? SnapshotPlugin : SqliteSnapshotPlugin;

    /// <summary>The configuration of the embedded SQLite plugins, injected as a fallback of the system's configuration (Akka.Persistence.Sql's defaults behind it).</summary>
    public Config SqlitePlugins() => ConfigurationFactory.ParseString($$"""
        {{SqliteJournalPlugin}} {
          class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
          plugin-dispatcher = "akka.persistence.dispatchers.default-plugin-dispatcher"
          plugin-id = "{{SqliteJournalPlugin}}"
          connection-string = "{{ConnectionString(SqliteJournalPath)}}"
          provider-name = "SQLite.MS"
          table-mapping = sqlite
          auto-initialize = on
        }
        {{SqliteSnapshotPlugin}} {
          class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
          plugin-dispatcher = "akka.persistence.dispatchers.default-plugin-dispatcher"
          plugin-id = "{{SqliteSnapshotPlugin}}"
          connection-string = "{{ConnectionString(SqliteSnapshotPath)}}"
          provider-name = "SQLite.MS"
          table-mapping = sqlite
          auto-initialize = on
        }
        """);

    private static string ConnectionString(string path) =>
        ("Data Source=" + Path.GetFullPath(path)).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static void Check(bool valid, string key, object value, string rule)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(key, value, $"{key} {rule}");
        }
    }
}

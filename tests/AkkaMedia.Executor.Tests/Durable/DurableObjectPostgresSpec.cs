using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Executor.Tests.Objects;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Durable;

/// <summary>
/// Durable objects with their journal and snapshots on PostgreSQL instead of the embedded SQLite files, configured the
/// way docs/fault-tolerance.md shows: state written by one hosting node is found by another node on the same database.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class DurableObjectPostgresSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>, IClassFixture<PostgresServer>
{
    private readonly ObjectExecutor _executor;
    private readonly PostgresServer _database;
    private readonly List<ActorSystem> _hosts = [];

    public DurableObjectPostgresSpec(ObjectExecutor executor, PostgresServer database, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        _database = database;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_durable_object_journaled_on_postgresql_must_keep_counting_on_another_hosting_node()
    {
        var first = await StartHostAsync();
        var counter = await DurableHandle.GetOrDeployAsync(first, "pg-counter", DurableObjectSpec.Counter, () => DurableObjectSpec.NewCounter(40));
        Assert.Equal(41L, counter.Call("Add", 1));
        Assert.Equal(43L, counter.Call("Add", 2));

        // The first hosting node goes away with nothing on its disk: what the next one finds is in the database.
        await first.Terminate();
        var second = await StartHostAsync();
        var again = await DurableHandle.GetOrDeployAsync(second, "pg-counter", DurableObjectSpec.Counter, () => throw new InvalidOperationException("the object exists: the factory must not run"));

        Assert.Equal(46L, again.Call("Add", 3));
        Assert.True(await JournaledEventsAsync("pg-counter") > 0, "the object's events are not in PostgreSQL's journal table");
        await again.DestroyAsync();
        await Terminate();
    }

    /// <summary>A client node with the hosting role whose journal and snapshot store are Akka.Persistence.Sql on the spec's PostgreSQL.</summary>
    private async Task<ActorSystem> StartHostAsync()
    {
        var host = _executor.CreateClient(ConfigurationFactory.ParseString($$"""
            akka.cluster.roles = [client, durable-objects]
            akka.persistence.journal.sql {
              connection-string = "{{_database.ConnectionString}}"
              provider-name = "PostgreSQL15"
            }
            akka.persistence.snapshot-store.sql {
              connection-string = "{{_database.ConnectionString}}"
              provider-name = "PostgreSQL15"
            }
            akka-media.durable {
              journal-plugin = "akka.persistence.journal.sql"
              snapshot-plugin = "akka.persistence.snapshot-store.sql"
            }
            """));
        _hosts.Add(host);
        await _executor.WaitForExecutorAsync(host);
        return host;
    }

    /// <summary>Rows of the journal table whose persistence id names <paramref name="objectName"/>.</summary>
    private async Task<long> JournaledEventsAsync(string objectName)
    {
        await using var connection = new Npgsql.NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM journal WHERE persistence_id LIKE @name", connection);
        command.Parameters.AddWithValue("name", "%" + objectName + "%");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task Terminate()
    {
        foreach (var host in _hosts)
        {
            await host.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }
}

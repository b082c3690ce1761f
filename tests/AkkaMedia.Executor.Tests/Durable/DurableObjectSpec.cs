using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Durable;

/// <summary>
/// Durable objects on an in-process executor. The spec's own system only reaches the objects (it lacks the hosting
/// role); each test starts client nodes with the role, each with SQLite files of its own in a scratch folder.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class DurableObjectSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>, IDisposable
{
    private static readonly Lazy<Assembly> CounterCode = new(() => UserCode.Load("UserDurableCounter", """
        namespace UserDurableCounter
        {
            public interface ICounter { long Add(int n); long Total(); void Fail(string why); }
            public sealed class Counter : ICounter
            {
                private long _total;
                private int _calls;
                public Counter(long start) { _total = start; }
                public long Calls => _calls;
                public long Value => _total;
                public long Add(int n) { _calls++; _total += n; return _total; }
                public long Total() => _total;
                public void Fail(string why) { _calls++; throw new System.InvalidOperationException(why); }
            }
        }
        """));

    private readonly ObjectExecutor _executor;
    private readonly List<ActorSystem> _clients = [];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akka-media-durable-specs", Guid.NewGuid().ToString("N"));

    public DurableObjectSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        Directory.CreateDirectory(_folder);
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    internal static Type Counter => CounterCode.Value.GetType("UserDurableCounter.ICounter", throwOnError: true)!;

    [Fact]
    public async Task DurableObject_must_be_one_instance_reached_by_name_from_two_clients()
    {
        var first = await StartHostAsync("first");
        var second = await StartHostAsync("second");
        var made = 0;
        object Make()
        {
            Interlocked.Increment(ref made);
            return NewCounter(100);
        }

        var a = await DurableHandle.GetOrDeployAsync(first, "shared-counter", Counter, Make);
        var b = await DurableHandle.GetOrDeployAsync(second, "shared-counter", Counter, Make);
        var fromSpec = await DurableHandle.GetOrDeployAsync(Sys, "shared-counter", Counter, Make);

        Assert.Equal(101L, a.Call("Add", 1));
        Assert.Equal(103L, b.Call("Add", 2));
        Assert.Equal(106L, fromSpec.Call("Add", 3));
        Assert.Equal(106L, a.Call("Total"));
        Assert.Equal(1, made);
        await a.DestroyAsync();
    }

    [Fact]
    public async Task DurableObject_must_keep_its_state_across_a_deactivation_and_a_reactivation()
    {
        var files = "restart";
        var host = await StartHostAsync(files);
        var counter = await DurableHandle.GetOrDeployAsync(host, "restarted-counter", Counter, () => NewCounter(0));
        counter.Call("Add", 5);
        Assert.Equal(12L, counter.Call("Add", 7));

        // The hosting node stops: the entity and its session go with it, the journal stays on disk.
        await host.Terminate();
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(15));

        var again = await StartHostAsync(files);
        var reached = await DurableHandle.GetOrDeployAsync(again, "restarted-counter", Counter, () => throw new InvalidOperationException("the object exists: the factory must not run"));
        Assert.Equal(13L, reached.Call("Add", 1));
        Assert.Equal(13L, Read(await reached.GetStateAsync(), "Value"));
        await reached.DestroyAsync();
    }

    [Fact]
    public async Task DurableObject_must_answer_a_retried_call_with_its_stored_result_without_running_it_again()
    {
        var host = await StartHostAsync("retry");
        var counter = await DurableHandle.GetOrDeployAsync(host, "retried-counter", Counter, () => NewCounter(0));

        Assert.Equal(10L, await counter.CallWithKeyAsync(1, "Add", 10));
        Assert.Equal(10L, await counter.CallWithKeyAsync(1, "Add", 10));
        Assert.Equal(12L, await counter.CallWithKeyAsync(2, "Add", 2));
        Assert.Equal(10L, await counter.CallWithKeyAsync(1, "Add", 10));

        var state = await counter.GetStateAsync();
        Assert.Equal(12L, Read(state, "Value"));
        Assert.Equal(2L, Read(state, "Calls"));
        await counter.DestroyAsync();
    }

    [Fact]
    public async Task DurableObject_must_journal_a_user_exception_as_an_applied_call_and_keep_the_object()
    {
        var host = await StartHostAsync("user-exception");
        var counter = await DurableHandle.GetOrDeployAsync(host, "failing-counter", Counter, () => NewCounter(0));

        var error = await Assert.ThrowsAsync<RemoteExecutionException>(() => counter.CallWithKeyAsync(1, "Fail", "no"));
        Assert.Contains("no", error.Message);
        await Assert.ThrowsAsync<RemoteExecutionException>(() => counter.CallWithKeyAsync(1, "Fail", "no"));
        Assert.Equal(1L, Read(await counter.GetStateAsync(), "Calls"));
        await counter.DestroyAsync();
    }

    [Fact]
    public async Task DurableObject_must_replay_calls_made_since_its_last_saved_state_when_reactivated()
    {
        var files = "replay";
        var host = await StartHostAsync(files);
        var options = new DurableObjectOptions { SaveEvery = 3 };
        var counter = await DurableHandle.GetOrDeployAsync(host, "replayed-counter", Counter, () => NewCounter(0), options);
        for (var i = 1; i <= 5; i++)
        {
            counter.Call("Add", i);
        }

        await host.Terminate();
        var again = await StartHostAsync(files);
        var reached = await DurableHandle.GetOrDeployAsync(again, "replayed-counter", Counter, () => NewCounter(-1), options);
        Assert.Equal(16L, reached.Call("Add", 1));
        Assert.Equal(6L, Read(await reached.GetStateAsync(), "Calls"));
        await reached.DestroyAsync();
    }

    [Fact]
    public async Task DurableObject_must_recover_from_its_last_snapshot_and_the_events_after_it()
    {
        var files = "snapshots";
        var every = "akka-media.durable.snapshot-every = 2";
        var host = await StartHostAsync(files, every);
        var options = new DurableObjectOptions { SaveEvery = 2 };
        // Called from the spec's node, which only reaches the object: its handle outlives the hosting node.
        await DurableHandle.GetOrDeployAsync(host, "snapshotted-counter", Counter, () => NewCounter(0), options);
        var counter = await DurableHandle.GetOrDeployAsync(Sys, "snapshotted-counter", Counter, () => NewCounter(-1), options);
        for (var i = 1; i <= 6; i++)
        {
            Assert.Equal(i * (i + 1) / 2L, await counter.CallWithKeyAsync(i, "Add", i));
        }

        await host.Terminate();
        var again = await StartHostAsync(files, every);
        var reached = await DurableHandle.GetOrDeployAsync(again, "snapshotted-counter", Counter, () => NewCounter(-1), options);

        Assert.Equal(22L, reached.Call("Add", 1));
        Assert.Equal(7L, Read(await reached.GetStateAsync(), "Calls"));

        // The first handle's calls are remembered through the snapshot: a retry gets its stored reply, and runs nothing.
        Assert.Equal(15L, await counter.CallWithKeyAsync(5, "Add", 5));
        Assert.Equal(21L, await counter.CallWithKeyAsync(6, "Add", 6));
        Assert.Equal(22L, reached.Call("Total"));

        // Destroyed right after a snapshot (whose deletion of older events may still be under way): nothing comes back.
        reached.Call("Add", 1);
        await reached.DestroyAsync();
        var fresh = await DurableHandle.GetOrDeployAsync(again, "snapshotted-counter", Counter, () => NewCounter(100), options);
        Assert.Equal(101L, fresh.Call("Add", 1));
        await fresh.DestroyAsync();
    }

    [Fact]
    public async Task DestroyAsync_must_remove_the_object_and_its_state_so_that_the_name_starts_fresh()
    {
        var host = await StartHostAsync("destroy");
        var counter = await DurableHandle.GetOrDeployAsync(host, "destroyed-counter", Counter, () => NewCounter(40));
        Assert.Equal(42L, counter.Call("Add", 2));

        await counter.DestroyAsync();

        var gone = Assert.Throws<RemoteObjectException>(() => counter.Call("Total"));
        Assert.Contains("destroyed-counter", gone.Message);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(15));
        var fresh = await DurableHandle.GetOrDeployAsync(host, "destroyed-counter", Counter, () => NewCounter(7));
        Assert.Equal(8L, fresh.Call("Add", 1));
        await fresh.DestroyAsync();
    }

    [Fact]
    public async Task GetOrDeploy_must_refuse_a_name_taken_by_an_object_of_another_interface()
    {
        var host = await StartHostAsync("mismatch");
        var counter = await DurableHandle.GetOrDeployAsync(host, "typed-counter", Counter, () => NewCounter(0));

        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => DurableHandle.GetOrDeployAsync(host, "typed-counter", typeof(IDisposableProbe), () => new DisposableProbe()));
        Assert.Contains("UserDurableCounter.ICounter", error.Message);
        Assert.Contains("DestroyAsync", error.Message);
        await counter.DestroyAsync();
    }

    [Fact]
    public async Task GetOrDeploy_must_fail_naming_the_hosting_role_when_no_node_hosts_durable_objects()
    {
        var client = _executor.CreateClient(ConfigurationFactory.ParseString("""
            akka-media.durable { role = archive, ask-timeout = 2s }
            """));
        _clients.Add(client);
        await _executor.WaitForExecutorAsync(client);

        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => DurableHandle.GetOrDeployAsync(client, "unhosted-counter", Counter, () => NewCounter(0)));

        Assert.Contains("\"archive\" (akka-media.durable.role)", error.Message);
        Assert.Contains("unhosted-counter", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    public async Task GetOrDeploy_must_refuse_an_invalid_name(string name)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DurableHandle.GetOrDeployAsync(Sys, name, Counter, () => NewCounter(0)));
        Assert.Equal("name", error.ParamName);
    }

    void IDisposable.Dispose()
    {
        foreach (var client in _clients)
        {
            client.Terminate().Wait(TimeSpan.FromSeconds(20));
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the OS cleans temp.
        }

        Dispose();
    }

    internal static object NewCounter(long start) => UserCode.Create(CounterCode.Value, "UserDurableCounter.Counter", start);

    private static object? Read(object obj, string property) => obj.GetType().GetProperty(property)!.GetValue(obj);

    /// <summary>A client node with the hosting role whose journal and snapshots are SQLite files named after <paramref name="files"/>.</summary>
    private async Task<ActorSystem> StartHostAsync(string files, string? extra = null)
    {
        var journal = Path.Combine(_folder, files + ".db").Replace("\\", "/", StringComparison.Ordinal);
        var snapshots = Path.Combine(_folder, files + "-snapshots.db").Replace("\\", "/", StringComparison.Ordinal);
        var client = _executor.CreateClient(ConfigurationFactory.ParseString($$"""
            {{extra}}
            akka.cluster.roles = [client, durable-objects]
            akka-media.durable.sqlite.journal-path = "{{journal}}"
            akka-media.durable.sqlite.snapshot-path = "{{snapshots}}"
            """));
        _clients.Add(client);
        await _executor.WaitForExecutorAsync(client);
        return client;
    }

    /// <summary>An interface of the test's own, to ask for a name under the wrong interface.</summary>
    public interface IDisposableProbe
    {
        void Probe();
    }

    private sealed class DisposableProbe : IDisposableProbe
    {
        public void Probe()
        {
        }
    }
}

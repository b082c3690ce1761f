using System.Reflection;
using Akka.Configuration;
using AkkaMedia.Executor.Tests.Durable;
using AkkaMedia.Executor.Tests.Objects;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests.Durable;

/// <summary>A durable object on a cluster of two executor processes, one of which is killed with SIGKILL.</summary>
public sealed class DurableObjectCrashSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Lazy<Assembly> CounterCode = new(() => UserCode.Load("UserCrashCounter", """
        namespace UserCrashCounter
        {
            public interface ICounter { long Add(int n); }
            public sealed class Counter : ICounter
            {
                private long _total;
                public long Add(int n) { _total += n; return _total; }
            }
        }
        """));

    public DurableObjectCrashSpec(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Fact]
    public async Task DurableObject_must_keep_counting_from_its_persisted_value_after_its_executor_is_killed()
    {
        var folder = Path.Combine(Path.GetTempPath(), "akka-media-durable-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var cluster = await ExecutorCluster.StartAsync(2, clientConfig: ConfigurationFactory.ParseString($$"""
                akka.cluster.roles = [client, durable-objects]
                akka-media.durable.sqlite.journal-path = "{{Path.Combine(folder, "journal.db")}}"
                akka-media.durable.sqlite.snapshot-path = "{{Path.Combine(folder, "snapshots.db")}}"
                """));
            var @interface = CounterCode.Value.GetType("UserCrashCounter.ICounter", throwOnError: true)!;
            var counter = await DurableHandle.GetOrDeployAsync(
                cluster.Client, "crash-counter", @interface, () => UserCode.Create(CounterCode.Value, "UserCrashCounter.Counter"));
            for (var i = 1; i <= 5; i++)
            {
                Assert.Equal((long)i, counter.Call("Add", 1));
            }

            var sessions = await cluster.ActiveSessionsAsync();
            var victim = cluster.Executors.Single(e => sessions[e.Address] == 1);
            var survivor = cluster.Executors.Single(e => e != victim);
            victim.Kill();

            // The call goes to the dead session, fails when the executor is found gone, and runs on the survivor from the
            // persisted state: 5 acknowledged calls, none lost, none applied twice.
            var next = await Task.Run(() => counter.Call("Add", 1)).WaitAsync(ExecutorCluster.Patience + ExecutorCluster.Patience);
            Assert.Equal(6L, next);
            Assert.Equal(7L, counter.Call("Add", 1));
            Assert.Equal(1, (await cluster.StatusAsync(survivor.Address)).ActiveSessions);
            Assert.False(survivor.Process.HasExited, survivor.Process.Transcript);

            await counter.DestroyAsync();
            await AwaitAssertAsync(
                async () => Assert.Equal(0, (await cluster.StatusAsync(survivor.Address)).ActiveSessions),
                TimeSpan.FromSeconds(15),
                TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean.
            }
        }
    }
}

using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Remote;

namespace AkkaMedia.Cluster.Tests.Admission;

/// <summary>
/// An <c>akkamedia node</c> process whose configuration says only members with the role <c>code-shipper</c> may ship
/// code, and in-test client nodes with and without that role.
/// </summary>
public sealed class ShippedCodeAdmissionSpec : IClassFixture<ShippedCodeAdmissionSpec.ShipperOnlyNode>
{
    private static readonly Lazy<Assembly> GreeterCode = new(() => UserCode.Load("AdmissionGreeter", """
        namespace AdmissionGreeter
        {
            public interface IGreeter { string Greet(string name); }
            public sealed class Greeter : IGreeter
            {
                public string Greet(string name) => "hello " + name;
            }
        }
        """));

    private readonly ShipperOnlyNode _node;

    public ShippedCodeAdmissionSpec(ShipperOnlyNode node)
    {
        _node = node;
    }

    [Fact]
    public async Task A_client_node_without_the_role_must_be_refused_with_the_rule_named()
    {
        var client = await JoinAsync("[client]");
        try
        {
            var error = await Assert.ThrowsAsync<RemoteObjectException>(() => RemoteHandle.DeployAsync(client, NewGreeter(), "IGreeter"));

            var clientAddress = ((ExtendedActorSystem)client).Provider.DefaultAddress.ToString();
            Assert.Contains(
                $"Executor {_node.Executor.Address} refuses shipped code from {clientAddress}: akka-media.executor.admission.require-role = code-shipper and that node's roles are [client]",
                error.Message);
            Assert.False(_node.Executor.Process.HasExited, _node.Executor.Process.Transcript);
        }
        finally
        {
            await client.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task A_client_node_with_the_role_must_run_its_code_on_the_same_executor()
    {
        var client = await JoinAsync("[client, code-shipper]");
        try
        {
            await using var greeter = await RemoteHandle.DeployAsync(client, NewGreeter(), "IGreeter");

            Assert.Equal("hello admission", greeter.Call("Greet", "admission"));
            Assert.Equal(_node.Executor.Address, greeter.ExecutorAddress);
        }
        finally
        {
            await client.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static object NewGreeter() => UserCode.Create(GreeterCode.Value, "AdmissionGreeter.Greeter");

    /// <summary>A client node with <paramref name="roles"/> that has seen the executor join.</summary>
    private async Task<ActorSystem> JoinAsync(string roles)
    {
        var client = MediaActorSystem.Create("media", ConfigurationFactory.ParseString($"akka.cluster.roles = {roles}").WithFallback(ExecutorCluster.ClientConfig(_node.Executor.Address)));
        try
        {
            var deadline = DateTime.UtcNow + NodeProcess.StartTimeout;
            while (!(await ExecutorDirectory.Get(client).GetExecutorsAsync("executor", TimeSpan.FromSeconds(5))).Any(e => e.Address == _node.Executor.Address))
            {
                Assert.True(DateTime.UtcNow < deadline, $"The client did not see {_node.Executor.Address}.{Environment.NewLine}{_node.Executor.Process.Transcript}");
            }

            return client;
        }
        catch
        {
            await client.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
            throw;
        }
    }

    /// <summary>The executor process, started with <c>--config</c> naming a file that sets <c>admission.require-role</c>.</summary>
    public sealed class ShipperOnlyNode : IAsyncLifetime
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-admission-tests", Guid.NewGuid().ToString("N"));
        private NodeProcess? _executor;

        public NodeProcess Executor => _executor ?? throw new InvalidOperationException("The executor has not started.");

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_folder);
            var config = Path.Combine(_folder, "executor.conf");
            await File.WriteAllTextAsync(config, "akka-media.executor.admission.require-role = code-shipper\n");
            _executor = await NodeProcess.StartAsync("--port", "0", "--config", config);
        }

        public async Task DisposeAsync()
        {
            if (_executor is not null)
            {
                await _executor.DisposeAsync();
            }

            Directory.Delete(_folder, recursive: true);
        }
    }
}

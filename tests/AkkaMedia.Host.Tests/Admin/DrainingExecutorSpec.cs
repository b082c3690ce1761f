using System.Text.RegularExpressions;
using Akka.Actor;
using AkkaMedia.Executor;

namespace AkkaMedia.Host.Tests.Admin;

/// <summary>What an operator sees of an executor that drains: <c>media executors</c> says so, instead of <c>accepting</c>.</summary>
public sealed class DrainingExecutorSpec : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly AdminClusterFixture _fixture = new();

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task Media_executors_must_show_a_draining_executor_as_draining()
    {
        var executor = _fixture.Cluster.ExecutorNode.ActorSelection($"/user/{ExecutorActor.Name}");
        var before = await _fixture.CmdAsync("media", "executors");
        Assert.EndsWith("accepting", before.Stdout.Trim());

        // No session runs, so the drain ends at once; the executor accepts nothing from then on.
        await executor.Ask<ExecutorActor.Drained>(new ExecutorActor.Drain(TimeSpan.FromSeconds(30)), Timeout);
        var (exit, stdout, stderr) = await _fixture.CmdAsync("media", "executors");

        Assert.True(exit == 0, stderr);
        Assert.Matches($@"^{Regex.Escape(_fixture.Cluster.ExecutorAddress)}\s+Up\s+sessions 0/\d+\s+load 0%\s+draining: accepts no new sessions$", stdout.Trim());
    }
}

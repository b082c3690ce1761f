using System.Text.RegularExpressions;
using AkkaMedia.Client;
using AkkaMedia.Host.Commands;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Samples.Tests.Processes;

namespace AkkaMedia.Host.Tests.Hosting;

/// <summary>
/// An application joins a cluster that formed through discovery by its nodes' contact points
/// (<see cref="MediaClientOptions.ContactPoints"/>), without knowing a seed; and is told what to check when none answers.
/// </summary>
public sealed class ClusterContactPointsSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_client_must_join_a_bootstrapped_cluster_through_a_contact_point_and_see_its_executor()
    {
        var managementPort = LoopbackPort.Free();
        var contactPoint = $"127.0.0.1:{managementPort}";
        var stdout = new ObservedWriter();
        var stderr = new ObservedWriter();
        using var stop = new CancellationTokenSource();
        var node = NodeCommand.RunAsync(
            new ClusterNodeOptions("127.0.0.1", 0, [], ["executor"], null)
            {
                AdminPort = 0,
                Discovery = new ClusterDiscoveryOptions(DiscoveryMethod.Config, [contactPoint]) { ManagementPort = managementPort },
            },
            stdout,
            stderr,
            stop.Token);
        try
        {
            var ready = Regex.Match(await stdout.WaitForAsync("READY ", Patience), @"READY (\S+)");
            Assert.True(ready.Success, stdout.ToString() + stderr);

            await using var client = await MediaClient.ConnectAsync(new MediaClientOptions { ContactPoints = [contactPoint], ExecutorTimeout = Patience });

            Assert.Equal([ready.Groups[1].Value], client.Seeds);
            Assert.Contains(client.Executors, e => e.Address == ready.Groups[1].Value);
        }
        finally
        {
            stop.Cancel();
            await node.WaitAsync(Patience);
        }
    }

    [Fact]
    public async Task A_client_whose_contact_points_do_not_answer_must_time_out_naming_each_with_its_last_answer()
    {
        var silent = $"127.0.0.1:{LoopbackPort.Free()}";

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            MediaClient.ConnectAsync(new MediaClientOptions { ContactPoints = [silent], ExecutorTimeout = TimeSpan.FromSeconds(2) }));

        Assert.Contains(silent, error.Message, StringComparison.Ordinal);
        Assert.Contains("--discovery", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("executor-1", "is not valid: give a node's management endpoint as host:port")]
    [InlineData("http://executor-1:8558", "is not valid")]
    [InlineData("executor-1/bootstrap:8558", "is not valid")]
    public async Task A_bad_contact_point_must_be_refused_before_anything_starts(string contactPoint, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => MediaClient.ConnectAsync(new MediaClientOptions { ContactPoints = [contactPoint] }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seeds_and_contact_points_together_must_be_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            MediaClient.ConnectAsync(new MediaClientOptions { Seeds = ["127.0.0.1:4053"], ContactPoints = ["127.0.0.1:8558"] }));

        Assert.Contains("either Seeds or ContactPoints", error.Message, StringComparison.Ordinal);
    }
}

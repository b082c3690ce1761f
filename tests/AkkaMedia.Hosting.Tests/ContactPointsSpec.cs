using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Akka.Actor;
using Akka.Hosting;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Tests.Processes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AkkaMedia.Hosting.Tests;

/// <summary>
/// A hosted client given <see cref="AkkaMediaClientOptions.ContactPoints"/> instead of seeds joins the cluster a contact
/// point reports (here a contact point that reports a hosted executor, as a bootstrapped node's would).
/// </summary>
public sealed class ContactPointsSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_hosted_client_must_join_the_members_its_contact_point_reports()
    {
        var port = LoopbackPort.Free();
        var contactPort = LoopbackPort.Free();
        using var contactPoint = new HttpListener();
        contactPoint.Prefixes.Add($"http://127.0.0.1:{contactPort}/");
        contactPoint.Start();
        var asked = new ConcurrentQueue<string?>();
        var answering = AnswerAsync(contactPoint, port, asked);

        using var executorHost = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddAkka("media", akka => akka.WithAkkaMediaExecutor(
                new AkkaMediaExecutorOptions { Hostname = "127.0.0.1", Port = port, Seeds = [$"127.0.0.1:{port}"] })))
            .Build();
        using var clientHost = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddAkka("media", akka => akka.WithAkkaMediaClient(
                new AkkaMediaClientOptions { Hostname = "127.0.0.1", Port = 0, ContactPoints = [$"127.0.0.1:{contactPort}"] })))
            .Build();
        await executorHost.StartAsync();
        try
        {
            await clientHost.StartAsync();
            try
            {
                var client = clientHost.Services.GetRequiredService<ActorSystem>();
                var executors = await ExecutorDirectory.Get(client).GetExecutorsAsync("executor", Patience);

                Assert.Equal($"akka.tcp://media@127.0.0.1:{port}", Assert.Single(executors).Address);
                Assert.Empty(client.Settings.Config.GetStringList("akka.cluster.seed-nodes"));
            }
            finally
            {
                await clientHost.StopAsync();
            }
        }
        finally
        {
            await executorHost.StopAsync();
            contactPoint.Stop();
            await Assert.ThrowsAnyAsync<Exception>(() => answering);
        }

        Assert.NotEmpty(asked);
        Assert.All(asked, path => Assert.Equal("/bootstrap/seed-nodes", path));
    }

    [Fact]
    public void Contact_points_must_be_host_and_port_and_must_not_come_with_seeds()
    {
        Assert.Contains("management endpoint as host:port", Assert.Throws<ArgumentException>(() => new AkkaMediaClientOptions { ContactPoints = ["executor-1"] }.ToHocon()).Message, StringComparison.Ordinal);
        Assert.Contains("either Seeds or ContactPoints", Assert.Throws<ArgumentException>(() => new AkkaMediaClientOptions { Seeds = ["10.0.0.5:4053"], ContactPoints = ["10.0.0.5:8558"] }.ToHocon()).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Answers every request as a contact point of a cluster whose one Up member is the executor at <paramref name="port"/>,
    /// recording the paths asked in <paramref name="asked"/>; ends (faulted) when the listener stops.
    /// </summary>
    private static async Task AnswerAsync(HttpListener listener, int port, ConcurrentQueue<string?> asked)
    {
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"SelfNode":{"Protocol":"akka.tcp","System":"media","Host":"127.0.0.1","Port":{{port}}},"Nodes":[{"Node":{"Protocol":"akka.tcp","System":"media","Host":"127.0.0.1","Port":{{port}}},"NodeUid":1,"Status":1,"Roles":["executor"]}]}"""));
        while (true)
        {
            var context = await listener.GetContextAsync();
            asked.Enqueue(context.Request.Url?.AbsolutePath);
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }
}

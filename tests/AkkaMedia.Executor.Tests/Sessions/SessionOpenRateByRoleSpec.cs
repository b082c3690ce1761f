using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// Per-role rates of session opens (<c>akka-media.executor.session-opens-per-second-by-role</c>): an executor in a cluster
/// with the default rate 2 and <c>{ edge = 4, bulk = 3 }</c>, the spec's own client member with roles <c>edge</c> and
/// <c>bulk</c> and a second one with role <c>client</c>. The rate clock is moved by hand. Requests name an unknown node
/// type, so an open the rate lets through is refused as <see cref="RefusalReason.UnknownNodeType"/> and one it stops
/// as <see cref="RefusalReason.RateLimited"/>.
/// </summary>
public sealed class SessionOpenRateByRoleSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly Config Clustered = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        """).WithFallback(AkkaMediaConfig.Default);

    private readonly ActorSystem _executorSystem;
    private readonly ActorSystem _plainClient;
    private long _now;
    private int _ids;
    private IActorRef _executor = ActorRefs.Nobody;

    public SessionOpenRateByRoleSpec(ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka.cluster.roles = [edge, bulk]").WithFallback(Clustered), "media", output)
    {
        var executorConfig = ConfigurationFactory.ParseString("""
                akka.cluster.roles = [executor]
                akka-media.executor.max-session-opens-per-second = 2
                akka-media.executor.session-opens-per-second-by-role { edge = 4, bulk = 3 }
                """)
            .WithFallback(Clustered)
            .WithFallback(ExecutorSettings.DefaultConfig);
        _executorSystem = MediaActorSystem.Create("media", executorConfig);
        MediaExecutor.StartWithOpenClock(_executorSystem, TestRegistry.Create(), () => Interlocked.Read(ref _now));
        _plainClient = ActorSystem.Create("media", ConfigurationFactory.ParseString("akka.cluster.roles = [client]").WithFallback(Clustered));
    }

    public async Task InitializeAsync()
    {
        var cluster = Cluster.Get(_executorSystem);
        cluster.Join(cluster.SelfAddress);
        Cluster.Get(Sys).Join(cluster.SelfAddress);
        Cluster.Get(_plainClient).Join(cluster.SelfAddress);
        await AwaitAssertAsync(() => Assert.Equal(3, cluster.State.Members.Count(m => m.Status == MemberStatus.Up)), Timeout);
        _executor = await Sys.ActorSelection($"{cluster.SelfAddress}/user/{ExecutorActor.Name}").ResolveOne(Timeout);
    }

    public async Task DisposeAsync() =>
        await Task.WhenAll(_executorSystem.Terminate(), _plainClient.Terminate()).WaitAsync(Timeout);

    [Fact]
    public async Task A_member_with_listed_roles_must_get_the_highest_of_their_rates_and_any_other_client_the_default()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(Sys)).Reason);
        }

        var beyondRole = await OpenAsync(Sys);
        Assert.Equal(RefusalReason.RateLimited, beyondRole.Reason);
        Assert.Contains("opens sessions faster than akka-media.executor.session-opens-per-second-by-role.edge = 4 (at most 4 at once, then 4 per second)", beyondRole.Message);

        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(_plainClient)).Reason);
        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(_plainClient)).Reason);
        var beyondDefault = await OpenAsync(_plainClient);
        Assert.Equal(RefusalReason.RateLimited, beyondDefault.Reason);
        Assert.Contains("opens sessions faster than akka-media.executor.max-session-opens-per-second = 2", beyondDefault.Message);

        // A quarter of a second refills one open at 4 per second, and half of one at 2.
        Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(Sys)).Reason);
        Assert.Equal(RefusalReason.RateLimited, (await OpenAsync(_plainClient)).Reason);
    }

    [Fact]
    public async Task Rates_by_role_on_a_node_that_is_not_a_cluster_member_must_be_refused_at_start_naming_the_fix()
    {
        var remoteOnly = MediaActorSystem.Create("media", ConfigurationFactory.ParseString("""
                akka.actor.provider = remote
                akka-media.executor.session-opens-per-second-by-role { edge = 4 }
                """).WithFallback(Clustered).WithFallback(ExecutorSettings.DefaultConfig));
        try
        {
            var refused = Assert.Throws<InvalidOperationException>(() => MediaExecutor.Start(remoteOnly, TestRegistry.Create()));

            Assert.Contains("akka-media.executor.session-opens-per-second-by-role needs a cluster node (akka.actor.provider = cluster)", refused.Message);
        }
        finally
        {
            await remoteOnly.Terminate().WaitAsync(Timeout);
        }
    }

    private void Advance(TimeSpan by) => Interlocked.Add(ref _now, (long)(by.TotalSeconds * Stopwatch.Frequency));

    /// <summary>Sends one request from <paramref name="client"/> over remoting and returns the executor's answer.</summary>
    private async Task<SessionRefused> OpenAsync(ActorSystem client)
    {
        var probe = new Akka.TestKit.TestProbe(client, new Akka.TestKit.Xunit2.XunitAssertions());
        var request = new OpenSession($"role-rate-{Interlocked.Increment(ref _ids)}", "Nope", string.Empty, RemoteTransport.MediaLink, null, probe.Ref);
        client.ActorSelection(_executor.Path.ToStringWithAddress()).Tell(request, probe.Ref);
        return await probe.ExpectMsgAsync<SessionRefused>(Timeout);
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// The per-client rate of session opens (<c>akka-media.executor.max-session-opens-per-second</c>, here 2): three actor
/// systems over loopback remoting, the spec's own and a second client against an executor whose rate clock the spec
/// moves by hand. Requests name an unknown node type, so an open the rate lets through is refused as
/// <see cref="RefusalReason.UnknownNodeType"/> and one it stops as <see cref="RefusalReason.RateLimited"/>: no session runs.
/// </summary>
public sealed class SessionOpenRateSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Key = "akka-media.executor.max-session-opens-per-second";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly Config Remoting = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        """).WithFallback(AkkaMediaConfig.Default);

    private readonly ActorSystem _executorSystem;
    private readonly ActorSystem _otherClient;
    private long _now;
    private int _ids;
    private IActorRef _executor = ActorRefs.Nobody;

    public SessionOpenRateSpec(ITestOutputHelper output)
        : base(Remoting, output: output)
    {
        var executorConfig = ConfigurationFactory.ParseString($"{Key} = 2")
            .WithFallback(Remoting)
            .WithFallback(ExecutorSettings.DefaultConfig);
        _executorSystem = MediaActorSystem.Create("media", executorConfig);
        MediaExecutor.StartWithOpenClock(_executorSystem, TestRegistry.Create(), () => Interlocked.Read(ref _now));
        _otherClient = ActorSystem.Create("other", Remoting);
    }

    public async Task InitializeAsync()
    {
        var address = ((ExtendedActorSystem)_executorSystem).Provider.DefaultAddress;
        _executor = await Sys.ActorSelection($"{address}/user/{ExecutorActor.Name}").ResolveOne(Timeout);
    }

    public async Task DisposeAsync() =>
        await Task.WhenAll(_executorSystem.Terminate(), _otherClient.Terminate()).WaitAsync(Timeout);

    [Fact]
    public async Task Opens_beyond_the_rate_must_be_refused_naming_the_key_and_the_limit_while_another_client_still_opens()
    {
        var first = await OpenAsync(Sys);
        var second = await OpenAsync(Sys);
        var third = await OpenAsync(Sys);

        Assert.Equal(RefusalReason.UnknownNodeType, first.Reason);
        Assert.Equal(RefusalReason.UnknownNodeType, second.Reason);
        Assert.Equal(RefusalReason.RateLimited, third.Reason);
        Assert.Contains($"{Key} = 2", third.Message);
        Assert.Contains(((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString(), third.Message);

        // The other client node has its own bucket: the first client's flood does not reach it.
        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(_otherClient)).Reason);
        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(_otherClient)).Reason);
        Assert.Equal(RefusalReason.RateLimited, (await OpenAsync(_otherClient)).Reason);
        Assert.Equal(RefusalReason.RateLimited, (await OpenAsync(Sys)).Reason);
    }

    [Fact]
    public async Task Tokens_must_refill_at_the_rate_up_to_a_burst_of_the_rate()
    {
        await OpenAsync(Sys);
        await OpenAsync(Sys);
        Assert.Equal(RefusalReason.RateLimited, (await OpenAsync(Sys)).Reason);

        // Half a second at 2 per second: one more open.
        Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(Sys)).Reason);
        Assert.Equal(RefusalReason.RateLimited, (await OpenAsync(Sys)).Reason);

        // Ten seconds idle refill no more than the burst of 2.
        Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(Sys)).Reason);
        Assert.Equal(RefusalReason.UnknownNodeType, (await OpenAsync(Sys)).Reason);
        Assert.Equal(RefusalReason.RateLimited, (await OpenAsync(Sys)).Reason);
    }

    [Fact]
    public void Every_member_of_a_batch_must_take_its_own_token_and_a_batch_beyond_the_rate_must_be_refused_whole()
    {
        var replies = CreateTestProbe();
        Sys.ActorSelection(_executor.Path).Tell(Batch(replies.Ref, 3), replies.Ref);

        var refused = new List<SessionRefused>();
        while (refused.Count < 3)
        {
            refused.AddRange(replies.ExpectMsg<SessionsAnswered>(Timeout).Refused);
        }

        Assert.Equal(
            [RefusalReason.UnknownNodeType, RefusalReason.UnknownNodeType, RefusalReason.RateLimited],
            refused.Select(r => r.Reason).Order());

        Sys.ActorSelection(_executor.Path).Tell(Batch(replies.Ref, 2), replies.Ref);
        var whole = replies.ExpectMsg<SessionsAnswered>(Timeout);
        Assert.Empty(whole.Opened);
        Assert.All(whole.Refused, r => Assert.Contains($"{Key} = 2", r.Message));
        Assert.Equal(2, whole.Refused.Count(r => r.Reason == RefusalReason.RateLimited));
    }

    [Fact]
    public async Task A_remote_stage_refused_for_the_rate_must_fail_once_with_the_executors_reason_and_open_once_tokens_refill()
    {
        // The client skips an executor that refused its rate for a moment (ExecutorDirectory.RateLimitBackoff): its clock
        // moves with the executor's.
        ExecutorDirectory.Get(Sys).Now = () => Interlocked.Read(ref _now);
        await OpenAsync(Sys);
        await OpenAsync(Sys);
        var options = new RemoteStageOptions { Executor = ((ExtendedActorSystem)_executorSystem).Provider.DefaultAddress.ToString() };
        var frames = Enumerable.Range(0, 5).Select(i => TestRegistry.Frame(i)).ToList();
        Task<IImmutableList<AudioFrame>> Run() =>
            Source.From(frames).Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", options)).RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer());

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Run().WaitAsync(Timeout));

        var message = refused.GetBaseException().Message;
        Assert.Contains($"opens sessions faster than {Key} = 2", message);
        Assert.EndsWith($"Open sessions more slowly, add executors or raise {Key}.", message);

        // The refusal was not retried: the bucket is still empty until the clock moves.
        Assert.Equal(RefusalReason.RateLimited, (await OpenAsync(Sys)).Reason);
        Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(frames.Select(f => f.Sequence), (await Run().WaitAsync(Timeout)).Select(f => f.Sequence));
    }

    private void Advance(TimeSpan by) => Interlocked.Add(ref _now, (long)(by.TotalSeconds * Stopwatch.Frequency));

    private OpenSession Request(IActorRef client) =>
        new($"rate-{Interlocked.Increment(ref _ids)}", "Nope", string.Empty, RemoteTransport.MediaLink, null, client);

    private OpenSessions Batch(IActorRef replyTo, int members) =>
        new([.. Enumerable.Range(0, members).Select(_ => Request(replyTo))], replyTo);

    /// <summary>Sends one request from <paramref name="client"/> over remoting and returns the executor's answer.</summary>
    private async Task<SessionRefused> OpenAsync(ActorSystem client)
    {
        var probe = new Akka.TestKit.TestProbe(client, new Akka.TestKit.Xunit2.XunitAssertions());
        client.ActorSelection(_executor.Path.ToStringWithAddress()).Tell(Request(probe.Ref), probe.Ref);
        return await probe.ExpectMsgAsync<SessionRefused>(Timeout);
    }
}

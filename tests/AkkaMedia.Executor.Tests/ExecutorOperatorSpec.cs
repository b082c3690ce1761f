using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests;

/// <summary>The executor's operator queries: listing sessions and packages, killing a session.</summary>
public sealed class ExecutorOperatorSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<TestExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestExecutor _executor;

    public ExecutorOperatorSpec(TestExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Theory]
    [InlineData(RemoteTransport.StreamRefs, "streamrefs")]
    [InlineData(RemoteTransport.MediaLink, "link")]
    public async Task ListSessions_must_show_a_running_session_with_its_frame_counts_and_KillSession_must_fail_its_client_saying_why(RemoteTransport transport, string transportName)
    {
        var (queue, done) = Source.Queue<AudioFrame>(8, OverflowStrategy.Backpressure)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", new RemoteStageOptions { Transport = transport }))
            .ToMaterialized(Sink.Ignore<AudioFrame>(), Keep.Both)
            .Run(Sys.Materializer());
        const int sent = 3;
        for (var i = 0; i < sent; i++)
        {
            await queue.OfferAsync(TestRegistry.Frame(i));
        }

        SessionSummary session = null!;
        await AwaitAssertAsync(async () =>
        {
            var sessions = await _executor.Executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, Timeout);
            session = Assert.Single(sessions);
            Assert.Equal(sent, session.FramesIn);
            Assert.Equal(sent, session.FramesOut);
        }, Timeout);
        Assert.Equal("Scale", session.NodeType);
        Assert.Equal(transportName, session.Transport);
        Assert.Contains(Sys.Name, session.Client);
        Assert.InRange(session.Started, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow);

        var killed = await _executor.Executor.Ask<bool>(new ExecutorActor.KillSession(session.SessionId, "stuck"), Timeout);

        Assert.True(killed);
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => done.WaitAsync(Timeout));
        Assert.Contains("killed by an operator: stuck", error.Message);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), Timeout);
    }

    [Fact]
    public async Task KillSession_must_answer_false_for_a_session_that_does_not_run()
    {
        Assert.False(await _executor.Executor.Ask<bool>(new ExecutorActor.KillSession("no-such-session", string.Empty), Timeout));
    }

    [Fact]
    public async Task ListPackages_must_list_what_the_package_store_holds()
    {
        var packages = await _executor.Executor.Ask<IReadOnlyList<PackageStoreEntry>>(ExecutorActor.ListPackages.Instance, Timeout);

        Assert.Empty(packages);
    }
}

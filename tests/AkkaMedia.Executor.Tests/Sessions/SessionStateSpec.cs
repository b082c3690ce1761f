using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>Session state on an executor: what one remote stream's node keeps under a key, the next stream with that key finds.</summary>
public sealed class SessionStateSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ClientSpecExecutor>
{
    private readonly ClientSpecExecutor _executor;

    public SessionStateSpec(ClientSpecExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task A_stream_must_find_the_state_an_earlier_stream_with_its_key_left_on_the_executor_and_not_another_keys()
    {
        var key = "caller-" + Guid.NewGuid().ToString("N")[..8];

        var first = await Tally(key, 5);
        var second = await Tally(key, 3);
        var other = await Tally(key + "-other", 2);

        Assert.Equal([1L, 2, 3, 4, 5], first);
        Assert.Equal([6L, 7, 8], second);
        Assert.Equal([1L, 2], other);
        Assert.True(SessionStateStore.Get(_executor.System).TryGet(key, out var state));
        Assert.Equal("8", state.GetString("frames"));
        Assert.False(SessionStateStore.Get(Sys).TryGet(key, out _), "the state lives on the executor, not in the client");
    }

    private async Task<IReadOnlyList<long>> Tally(string key, int frames)
    {
        var results = await Source.From(Enumerable.Range(0, frames).Select(i => TestRegistry.Frame(i)))
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Tally", $"key = \"{key}\"", new RemoteStageOptions { Executor = _executor.Address }))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer());
        return results.Select(f => f.Sequence).ToList();
    }
}

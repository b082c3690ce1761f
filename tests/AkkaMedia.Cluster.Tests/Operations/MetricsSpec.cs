using System.Globalization;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests.Operations;

/// <summary>
/// <c>/metrics</c> of a real <c>akkamedia node</c> process: a stream from an in-test client through one of its nodes
/// grows the executor's frame, byte and session series by what the stream sent.
/// </summary>
public sealed partial class MetricsSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Theory]
    [InlineData(RemoteTransport.MediaLink, "link")]
    [InlineData(RemoteTransport.StreamRefs, "streamrefs")]
    public async Task Metrics_must_grow_by_the_frames_bytes_and_session_of_a_stream_through_the_node(RemoteTransport transport, string transportLabel)
    {
        await using var node = await NodeProcess.StartAsync("--port", "0", "--http-port", "0");
        var http = (await node.Process.WaitForLineAsync(l => l.StartsWith("HTTP ", StringComparison.Ordinal), NodeProcess.StartTimeout, "HTTP line"))["HTTP ".Length..].Trim();
        using var web = new HttpClient { BaseAddress = new Uri(http), Timeout = ExecutorCluster.Patience };
        var client = MediaActorSystem.Create("media", ExecutorCluster.ClientConfig(node.Address));
        try
        {
            await AwaitAssertAsync(
                async () => Assert.Contains(await ExecutorDirectory.Get(client).GetExecutorsAsync("executor", TimeSpan.FromSeconds(5)), e => e.Address == node.Address),
                ExecutorCluster.Patience);
            var gain = new[] { ("kind", "node"), ("node_type", "Gain") };
            var before = Parse(await web.GetStringAsync("/metrics"));
            var frames = TestAudio.Frames(60);
            var payload = frames.Sum(f => f.Samples.Length * (long)sizeof(float));

            var results = await Source.From(frames)
                .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", "gain = 0.5", new RemoteStageOptions { Transport = transport }))
                .RunWith(Sink.Seq<AudioFrame>(), client.Materializer())
                .WaitAsync(ExecutorCluster.Patience);
            Assert.Equal(frames.Count, results.Count);

            await AwaitAssertAsync(
                async () =>
                {
                    var after = Parse(await web.GetStringAsync("/metrics"));
                    Assert.Equal(frames.Count, Delta(before, after, "akkamedia_executor_frames_received", gain));
                    Assert.Equal(frames.Count, Delta(before, after, "akkamedia_executor_frames_sent", gain));
                    Assert.Equal(payload, Delta(before, after, "akkamedia_executor_bytes_received", gain));
                    Assert.Equal(payload, Delta(before, after, "akkamedia_executor_bytes_sent", gain));
                    Assert.Equal(1, Delta(before, after, "akkamedia_executor_sessions_started", [.. gain, ("transport", transportLabel)]));
                    Assert.Equal(0, Value(after, "akkamedia_executor_sessions_active", gain));
                },
                ExecutorCluster.Patience);
        }
        finally
        {
            await client.Terminate().WaitAsync(ExecutorCluster.Patience);
        }
    }

    private static double Delta(IReadOnlyList<Series> before, IReadOnlyList<Series> after, string name, (string, string)[] labels) =>
        Value(after, name, labels) - Value(before, name, labels);

    /// <summary>The sum of the series named <paramref name="name"/> whose labels include <paramref name="labels"/>; 0 when none exists yet.</summary>
    private static double Value(IReadOnlyList<Series> series, string name, (string Name, string Value)[] labels) =>
        series.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>The samples of a Prometheus text exposition.</summary>
    private static List<Series> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(static l => !l.StartsWith('#'))
            .Select(static line =>
            {
                var nameEnd = line.IndexOfAny(['{', ' ']);
                var labelsEnd = line.LastIndexOf('}');
                var labels = SeriesLabel().Matches(labelsEnd < 0 ? string.Empty : line[nameEnd..labelsEnd])
                    .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
                var value = line[(Math.Max(labelsEnd, nameEnd) + 1)..].Trim().Split(' ')[0];
                return new Series(line[..nameEnd], labels, double.Parse(value, CultureInfo.InvariantCulture));
            })
            .ToList();

    [GeneratedRegex("(\\w+)=\"([^\"]*)\"")]
    private static partial Regex SeriesLabel();

    private sealed record Series(string Name, Dictionary<string, string> Labels, double Value);
}

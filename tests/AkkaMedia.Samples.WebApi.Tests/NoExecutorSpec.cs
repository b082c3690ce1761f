using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary>Without an executor the app still starts, and answers 503 with what to do, whether it joined a cluster or not.</summary>
public sealed class NoExecutorSpec
{
    [Fact]
    public async Task Process_must_answer_503_saying_to_start_an_executor_when_the_cluster_has_none()
    {
        // The app is the first seed of its own cluster: it joins itself and is up, alone.
        var port = LoopbackPort.Free().ToString(CultureInfo.InvariantCulture);
        await using var app = StartApp(new() { ["AkkaMedia:Port"] = port, ["AkkaMedia:Seeds:0"] = $"127.0.0.1:{port}" });
        using var client = app.CreateClient();
        await UntilUp(client);

        var detail = await AnswerOf503(client);

        Assert.Contains("joined the cluster", detail, StringComparison.Ordinal);
        Assert.Contains($"akkamedia node --hostname HOST --port PORT --seeds 127.0.0.1:{port} --roles executor", detail, StringComparison.Ordinal);
        using var executors = JsonDocument.Parse(await client.GetStringAsync("/executors"));
        Assert.Equal("Up", executors.RootElement.GetProperty("status").GetString());
        Assert.Empty(executors.RootElement.GetProperty("executors").EnumerateArray());
        Assert.Equal(detail, executors.RootElement.GetProperty("advice").GetString());
    }

    [Fact]
    public async Task Process_must_answer_503_saying_what_to_check_when_no_seed_answers()
    {
        var seed = $"127.0.0.1:{LoopbackPort.Free()}";
        await using var app = StartApp(new() { ["AkkaMedia:Seeds:0"] = seed });
        using var client = app.CreateClient();

        var detail = await AnswerOf503(client);

        Assert.Contains($"has not joined the cluster at akka.tcp://media@{seed}", detail, StringComparison.Ordinal);
        Assert.Contains($"akkamedia node --hostname 127.0.0.1 --port {seed[10..]} --seeds {seed} --roles executor", detail, StringComparison.Ordinal);
        Assert.Contains("reachable", detail, StringComparison.Ordinal);
    }

    private static WebApiApp StartApp(Dictionary<string, string> settings)
    {
        settings["Processing:ExecutorWait"] = "00:00:01";
        return new WebApiApp(settings);
    }

    /// <summary>Asks <c>GET /executors</c> (which waits <c>ExecutorWait</c> for an executor) until the app's status is Up.</summary>
    private static async Task UntilUp(HttpClient client)
    {
        using var timeout = new CancellationTokenSource(AppWithExecutor.Patience);
        while (true)
        {
            using var executors = JsonDocument.Parse(await client.GetStringAsync("/executors", timeout.Token));
            if (executors.RootElement.GetProperty("status").GetString() == "Up")
            {
                return;
            }
        }
    }

    private static async Task<string> AnswerOf503(HttpClient client)
    {
        using var content = new ByteArrayContent(TestWav.Pcm16(16000, 1, TestWav.Ramp(320)));
        using var response = await client.PostAsync("/process?gain=2", content).WaitAsync(AppWithExecutor.Patience);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("detail").GetString() ?? string.Empty;
    }
}

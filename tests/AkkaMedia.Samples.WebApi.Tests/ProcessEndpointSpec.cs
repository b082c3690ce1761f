using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary><c>POST /process</c> against a real executor: the gained WAV back, and clear 4xx answers for what it cannot take.</summary>
public sealed class ProcessEndpointSpec(AppWithExecutor cluster) : IClassFixture<AppWithExecutor>
{
    [Fact]
    public async Task Process_must_return_the_wav_with_every_sample_scaled_by_the_gain()
    {
        var input = TestWav.Ramp(2 * 12000); // 0.25 s of 48 kHz stereo
        using var client = cluster.App.CreateClient();

        using var response = await client.PostAsync("/process?gain=2", Wav(TestWav.Pcm16(48000, 2, input))).WaitAsync(AppWithExecutor.Patience);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("audio/wav", response.Content.Headers.ContentType?.MediaType);
        var (rate, channels, output) = TestWav.ReadPcm16(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal((48000, 2), (rate, channels));
        Assert.Equal(input.Select(s => (short)(2 * s)), output);
    }

    [Fact]
    public async Task Concurrent_requests_must_each_run_their_own_pipeline_with_their_own_gain()
    {
        var input = TestWav.Ramp(16000); // 1 s of 16 kHz mono
        using var client = cluster.App.CreateClient();

        var requests = new[] { "1.5", "3" }.Select(gain => client.PostAsync($"/process?gain={gain}", Wav(TestWav.Pcm16(16000, 1, input)))).ToArray();
        var responses = await Task.WhenAll(requests).WaitAsync(AppWithExecutor.Patience);

        try
        {
            var halves = TestWav.ReadPcm16(await responses[0].Content.ReadAsByteArrayAsync()).Samples;
            var triples = TestWav.ReadPcm16(await responses[1].Content.ReadAsByteArrayAsync()).Samples;
            Assert.Equal(input.Select(s => (short)Math.Round(1.5 * s, MidpointRounding.ToEven)), halves);
            Assert.Equal(input.Select(s => (short)(3 * s)), triples);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Executors_must_list_the_executor_the_app_runs_on()
    {
        using var client = cluster.App.CreateClient();

        using var json = JsonDocument.Parse(await client.GetStringAsync("/executors").WaitAsync(AppWithExecutor.Patience));

        var executor = Assert.Single(json.RootElement.GetProperty("executors").EnumerateArray());
        Assert.Equal(cluster.ExecutorAddress, executor.GetProperty("address").GetString());
        Assert.Equal("executor", executor.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("not a wav file", "not a WAV file")]
    [InlineData("float", "32-bit IEEE float audio; this endpoint takes 16-bit PCM")]
    [InlineData("cut short", "cut short")]
    [InlineData("empty", "The body is empty")]
    public async Task Process_must_refuse_a_body_it_cannot_read_with_400_saying_what_to_send(string body, string detail)
    {
        var bytes = body switch
        {
            "float" => TestWav.Float32(48000, 1, [0.5f, -0.5f]),
            "cut short" => TestWav.Pcm16(48000, 1, TestWav.Ramp(960))[..1000],
            "empty" => [],
            _ => "not a wav file"u8.ToArray(),
        };
        using var client = cluster.App.CreateClient();

        using var response = await client.PostAsync("/process?gain=2", Wav(bytes)).WaitAsync(AppWithExecutor.Patience);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, await Detail(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Give the gain as a query parameter")]
    [InlineData("?gain=-1", "gain=-1 is not valid")]
    [InlineData("?gain=loud", "gain=loud is not valid")]
    public async Task Process_must_refuse_a_missing_or_wrong_gain_with_400(string query, string detail)
    {
        using var client = cluster.App.CreateClient();

        using var response = await client.PostAsync($"/process{query}", Wav(TestWav.Pcm16(48000, 1, TestWav.Ramp(960)))).WaitAsync(AppWithExecutor.Patience);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, await Detail(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Process_must_refuse_a_body_over_the_limit_with_413()
    {
        using var client = cluster.App.CreateClient();

        using var response = await client.PostAsync("/process?gain=2", Wav(TestWav.Pcm16(48000, 1, new short[AppWithExecutor.MaxWavBytes / 2]))).WaitAsync(AppWithExecutor.Patience);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Processing:MaxWavBytes", await Detail(response), StringComparison.Ordinal);
    }

    private static ByteArrayContent Wav(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("audio/wav");
        return content;
    }

    private static async Task<string> Detail(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("detail").GetString() ?? string.Empty;
    }
}

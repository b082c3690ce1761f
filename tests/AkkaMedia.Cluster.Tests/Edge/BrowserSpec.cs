using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// The browser page of <c>akkamedia serve</c> in a real headless Chromium whose microphone plays a
/// chirp from a WAV file (<see cref="FakeMicrophone"/>), against a real <c>serve</c> and executor node
/// (<see cref="LiveEdge"/>): the page streams the microphone to the pipeline, plays back what returns,
/// and shows it.
/// </summary>
public sealed class BrowserSpec : IClassFixture<LiveEdge>
{
    /// <summary>
    /// How alike the returned audio must be to the file's chirp (normalized cross-correlation at the best
    /// lag). Measured: 0.996 to 0.999 for the microphone as the page sends it (Chromium resamples the
    /// 48 kHz file to the context's 44.1 kHz) and the same for what returns from live-loopback.conf
    /// (PCM16, the edge resampling to 48 kHz and back). Audio that is not the chirp (a tone it sweeps through, the chirp
    /// reversed, noise) scores below 0.2, and a silent gap of a fifth of the chirp brings it to 0.89
    /// (<see cref="CrossCorrelationSpec"/>): at 0.9 the chirp came back whole and in order, less than a
    /// fifth of it lost or distorted.
    /// </summary>
    private const double MinimumCorrelation = 0.9;

    /// <summary>Packets of 20 ms the page must have played before the audio is judged: 4 s, so that the recording holds at least one whole pass of the file (1.5 s and a little) with its chirp.</summary>
    private const int PacketsToJudge = 200;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly LiveEdge _edge;
    private readonly ITestOutputHelper _output;

    public BrowserSpec(LiveEdge edge, ITestOutputHelper output)
    {
        _edge = edge;
        _output = output;
    }

    [Fact]
    public async Task Page_must_send_the_microphone_through_the_pipeline_and_play_back_the_same_audio()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync(_edge.MicrophoneWav);
        var page = await OpenAsync(chromium, "/?autostart=1&record=1");

        var first = await WaitForAsync(page, "m.state === 'streaming' && m.framesReceived > 0", "the page streaming with audio coming back");
        var later = await WaitForAsync(
            page,
            $"m.framesReceived >= {first.FramesReceived + PacketsToJudge} && m.framesSent >= {first.FramesSent + PacketsToJudge} && m.lastRttMs > 0",
            $"{PacketsToJudge} more packets each way and a round trip");

        Assert.Equal("streaming", later.State);
        Assert.True(later.FramesSent > first.FramesSent, $"framesSent did not grow: {first} then {later}");
        Assert.True(later.FramesReceived > first.FramesReceived, $"framesReceived did not grow: {first} then {later}");
        Assert.True(later.LastRttMs is > 0 and < 10_000, $"lastRttMs is not a round trip in milliseconds: {later}");

        var recording = await RecordingAsync(page);
        _output.WriteLine($"page: {later}; recording at {recording.SampleRate} Hz: {recording.Sent.Length} samples sent, {recording.Received.Length} received");
        AssertEveryPassCarriesTheChirp(recording.Sent, recording.SampleRate, "sent", "The page did not send the microphone's chirp");
        AssertEveryPassCarriesTheChirp(recording.Received, recording.SampleRate, "received", $"The audio that came back is not the chirp that was sent{Environment.NewLine}{_edge.Transcript}");
    }

    [Fact]
    public async Task Page_must_render_its_streaming_state()
    {
        const int width = 1024, height = 768;
        await using var chromium = await HeadlessChromium.LaunchAsync(_edge.MicrophoneWav);
        var page = await OpenAsync(chromium, "/?autostart=1", new ViewPortOptions { Width = width, Height = height, DeviceScaleFactor = 1 });
        // The chirp peaks at -6 dBFS in the file (the browser's gain control, on without ?record=1, may raise it): both level
        // meters show it while it passes, and read -60 ("–") in the file's silent gap.
        await WaitForAsync(
            page,
            "m.state === 'streaming' && m.framesReceived >= 50 && m.lastRttMs > 0 && document.getElementById('level-in').value > -20 && document.getElementById('level-out').value > -20",
            "the page streaming for a second with a round trip and both level meters showing the chirp");

        var png = await page.ScreenshotDataAsync(new ScreenshotOptions { Type = ScreenshotType.Png });
        var saved = Path.Combine(AppContext.BaseDirectory, "screenshots", "browser-page-streaming.png");
        Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
        await File.WriteAllBytesAsync(saved, png);
        _output.WriteLine($"screenshot: {saved}");

        var image = PngImage.Decode(png);
        Assert.Equal((width, height), (image.Width, image.Height));
        var histogram = image.Histogram();
        var background = histogram.Values.Max();
        Assert.True(histogram.Count >= 16, $"The screenshot has {histogram.Count} colors: the page drew next to nothing ({saved}).");
        Assert.True(background <= 0.99 * width * height, $"{background} of {width * height} pixels share one color: the page drew next to nothing ({saved}).");

        var text = await page.EvaluateExpressionAsync<string>("document.body.innerText");
        Assert.Contains("streaming", text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Cuts <paramref name="audio"/> into windows one pass of the file apart, each long enough to hold a
    /// whole chirp wherever Chromium's loop put it (a pass and a tenth, plus the chirp), and asserts that
    /// each holds the chirp: all of the audio went through, not only some of it.
    /// </summary>
    private void AssertEveryPassCarriesTheChirp(float[] audio, int sampleRate, string what, string failure)
    {
        var signature = FakeMicrophone.Signature(sampleRate);
        var pass = (int)(FakeMicrophone.FileDuration.TotalSeconds * sampleRate);
        var window = signature.Length + (int)(1.1 * pass);
        Assert.True(audio.Length >= window, $"The recording holds {audio.Length} {what} samples at {sampleRate} Hz; a whole pass of the file needs {window}.");
        for (var start = 0; start + window <= audio.Length; start += pass)
        {
            var best = CrossCorrelation.Best(signature, audio.AsSpan(start, window));
            var at = Milliseconds(start + best.Lag, sampleRate);
            _output.WriteLine($"chirp in the {what} audio: ncc {best.Value:F4} at {at}");
            Assert.True(best.Value >= MinimumCorrelation, $"{failure}: from {Milliseconds(start, sampleRate)} the best ncc is {best.Value:F3} (at {at}) < {MinimumCorrelation}.");
        }
    }

    private static string Milliseconds(int samples, int sampleRate) =>
        (1000.0 * samples / sampleRate).ToString("0.0 ms", CultureInfo.InvariantCulture);

    private async Task<IPage> OpenAsync(HeadlessChromium chromium, string pathAndQuery, ViewPortOptions? viewport = null)
    {
        var page = await chromium.Browser.NewPageAsync();
        page.Console += (_, e) => _output.WriteLine($"console.{e.Message.Type}: {e.Message.Text}");
        page.PageError += (_, e) => _output.WriteLine($"page error: {e.Message}");
        page.Response += (_, e) =>
        {
            if ((int)e.Response.Status >= 400)
            {
                _output.WriteLine($"HTTP {(int)e.Response.Status}: {e.Response.Url}");
            }
        };
        if (viewport is not null)
        {
            await page.SetViewportAsync(viewport);
        }

        var response = await page.GoToAsync(new Uri(_edge.Url, pathAndQuery).ToString(), new NavigationOptions { Timeout = (int)Patience.TotalMilliseconds });
        Assert.True(response is { Ok: true }, $"GET {pathAndQuery}: {response?.Status}");
        return page;
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> (JavaScript over <c>m = window.akkaMedia</c>) holds, and
    /// fails at once, with the page's status and the server's output, if the page reaches <c>error</c>
    /// or <c>stopped</c> instead or nothing happens within <see cref="Patience"/>.
    /// </summary>
    private async Task<PageStatus> WaitForAsync(IPage page, string condition, string what)
    {
        var predicate = $"() => {{ const m = window.akkaMedia; return !!m && (m.state === 'error' || m.state === 'stopped' || ({condition})); }}";
        try
        {
            await page.WaitForFunctionAsync(predicate, new WaitForFunctionOptions { Timeout = (int)Patience.TotalMilliseconds, PollingInterval = 50 });
        }
        catch (WaitTaskTimeoutException)
        {
            Assert.Fail($"No {what} within {Patience.TotalSeconds:0} s: {await StatusAsync(page)}{Environment.NewLine}{_edge.Transcript}");
        }

        var status = await StatusAsync(page);
        Assert.True(status.State is not ("error" or "stopped"), $"The page went to {status.State} while waiting for {what}: {status}{Environment.NewLine}{_edge.Transcript}");
        return status;
    }

    private static async Task<PageStatus> StatusAsync(IPage page)
    {
        var m = await page.EvaluateExpressionAsync<JsonElement>(
            "(() => { const m = window.akkaMedia; return m ? { state: String(m.state), framesSent: m.framesSent, framesReceived: m.framesReceived, lastRttMs: m.lastRttMs ?? null } : null; })()");
        return m.ValueKind != JsonValueKind.Object
            ? new PageStatus("(no window.akkaMedia)", 0, 0, null)
            : new PageStatus(
                m.GetProperty("state").GetString()!,
                m.GetProperty("framesSent").GetInt64(),
                m.GetProperty("framesReceived").GetInt64(),
                m.GetProperty("lastRttMs").ValueKind == JsonValueKind.Number ? m.GetProperty("lastRttMs").GetDouble() : null);
    }

    /// <summary>
    /// The page's recording (<c>/?record=1</c>): every sample it sent and received so far, at the audio
    /// context's rate, fetched as base64 of little-endian Float32 (a tenth the size of JSON numbers).
    /// </summary>
    private static async Task<Recording> RecordingAsync(IPage page)
    {
        var r = await page.EvaluateFunctionAsync<JsonElement>(
            "async () => { const r = await window.akkaMedia.recording('base64'); return { sampleRate: r.sampleRate, channels: r.channels, sent: r.sent, received: r.received }; }");
        Assert.Equal(1, r.GetProperty("channels").GetInt32());
        static float[] Samples(JsonElement base64) => MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(base64.GetString()!)).ToArray();
        return new Recording(r.GetProperty("sampleRate").GetInt32(), Samples(r.GetProperty("sent")), Samples(r.GetProperty("received")));
    }

    private sealed record PageStatus(string State, long FramesSent, long FramesReceived, double? LastRttMs);

    private sealed record Recording(int SampleRate, float[] Sent, float[] Received);
}

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
    /// How alike the file's chirp and the audio sent or received must be (normalized cross-correlation at
    /// the best lag). Measured: 0.996 to 0.999, in what the page sends (Chromium resamples the 48 kHz
    /// file to the context's 44.1 kHz) and in what returns. Audio that is not the chirp (a tone it sweeps
    /// through, the chirp reversed, noise) scores below 0.2, and a silent gap of a fifth of the chirp
    /// brings it to 0.89 (<see cref="CrossCorrelationSpec"/>): at 0.9 the chirp came back whole.
    /// </summary>
    private const double MinimumCorrelation = 0.9;

    /// <summary>
    /// How alike the received audio must be to the sent audio over the whole take, at the best delay.
    /// Measured: 1.0000 at a delay of 0 samples (live-loopback.conf passes the audio through; the edge's
    /// PCM16 and its resampling from 44.1 to 48 kHz and back lose next to nothing). A lost or dropped
    /// packet puts all later audio out of line and the score falls to about the share of the take before
    /// it, so at 0.99 nothing but the last hundredth of the take can have been lost, and nothing distorted.
    /// </summary>
    private const double MinimumEcho = 0.99;

    /// <summary>Packets of 20 ms the page must have received before the audio is judged: 4 s, so that the recording holds at least two whole passes of the file (1.5 s and a little each).</summary>
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

        // The file's chirp went out and came back whole (at least one pass of it; the recording holds three or more).
        var signature = FakeMicrophone.Signature(recording.SampleRate);
        var window = signature.Length + (int)(1.1 * FakeMicrophone.FileDuration.TotalSeconds * recording.SampleRate);
        Assert.True(Math.Min(recording.Sent.Length, recording.Received.Length) >= window, $"The recording is shorter than a whole pass of the file ({window} samples at {recording.SampleRate} Hz).");
        var sentChirp = CrossCorrelation.Best(signature, recording.Sent);
        var receivedChirp = CrossCorrelation.Best(signature, recording.Received);
        _output.WriteLine($"chirp in the sent audio: ncc {sentChirp.Value:F4} at {Milliseconds(sentChirp.Lag, recording.SampleRate)}");
        _output.WriteLine($"chirp in the received audio: ncc {receivedChirp.Value:F4} at {Milliseconds(receivedChirp.Lag, recording.SampleRate)}");
        Assert.True(sentChirp.Value >= MinimumCorrelation, $"The page did not send the microphone's chirp whole: best ncc {sentChirp.Value:F3} < {MinimumCorrelation}.");
        Assert.True(receivedChirp.Value >= MinimumCorrelation, $"The chirp did not come back whole: best ncc {receivedChirp.Value:F3} < {MinimumCorrelation}.{Environment.NewLine}{_edge.Transcript}");

        // Packets the server dropped because the page did not read them in time (a starved machine) leave gaps, each
        // reported to the page: then every stretch between gaps must still be the sent audio.
        var dropped = await page.EvaluateExpressionAsync<int>("window.akkaMedia.droppedFrames");
        if (dropped > 0)
        {
            _output.WriteLine($"the server reported {dropped} packets dropped for this page: comparing 0.5 s stretches");
            AssertStretchesWereSent(recording);
            return;
        }

        // All of it came back, in order: the received audio is the sent audio, late by the pipeline's delay, over the whole take.
        var maximumDelay = recording.SampleRate / 2;
        var compared = Math.Min(recording.Sent.Length, recording.Received.Length - maximumDelay);
        var echo = CrossCorrelation.Best(recording.Sent.AsSpan(0, compared), recording.Received.AsSpan(0, compared + maximumDelay));
        _output.WriteLine($"sent audio in the received audio: ncc {echo.Value:F4} over {Milliseconds(compared, recording.SampleRate)}, {Milliseconds(echo.Lag, recording.SampleRate)} late");
        Assert.True(echo.Value >= MinimumEcho, $"The received audio is not the sent audio: ncc {echo.Value:F4} < {MinimumEcho} at the best delay ({Milliseconds(echo.Lag, recording.SampleRate)}).{Environment.NewLine}{_edge.Transcript}");
    }

    /// <summary>Most 0.5 s stretches of the received audio are found, unchanged, somewhere in the sent audio (those across a gap are not).</summary>
    private void AssertStretchesWereSent(Recording recording)
    {
        var stretch = recording.SampleRate / 2;
        var scores = new List<double>();
        for (var start = 0; start + stretch <= recording.Received.Length; start += stretch)
        {
            scores.Add(CrossCorrelation.Best(recording.Received.AsSpan(start, stretch), recording.Sent).Value);
        }

        _output.WriteLine($"stretches of the received audio in the sent audio: {string.Join(", ", scores.Select(v => v.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        Assert.True(scores.Count >= 4, $"Only {scores.Count} stretches of 0.5 s came back.");
        Assert.True(
            scores.Count(v => v >= MinimumEcho) >= 0.8 * scores.Count,
            $"Fewer than 80 % of the received stretches are sent audio (ncc >= {MinimumEcho}): {string.Join(", ", scores)}.{Environment.NewLine}{_edge.Transcript}");
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

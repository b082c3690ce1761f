using System.Text.Json;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// The voice loop in a real headless Chromium: the page's fake microphone asks a question over and over
/// (<see cref="VoiceEdge"/>); <c>serve voice-loop.conf</c> detects the speech, has an executor transcribe it, and answers
/// aloud; the question's next pass talks over the answer, which stops (barge-in).
/// </summary>
public sealed class VoiceBrowserSpec(VoiceEdge edge, ITestOutputHelper output) : IClassFixture<VoiceEdge>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Page_must_show_what_was_heard_and_answered_play_the_answer_and_stop_it_on_barge_in()
    {
        await using var chromium = await HeadlessChromium.LaunchAsync(edge.MicrophoneWav);
        var page = await chromium.Browser.NewPageAsync();
        page.Console += (_, e) => output.WriteLine($"console.{e.Message.Type}: {e.Message.Text}");
        var response = await page.GoToAsync(new Uri(edge.Url, "/?autostart=1").ToString());
        Assert.True(response is { Ok: true }, $"GET /?autostart=1: {response?.Status}");

        const string condition = "m.conversation.some(c => c.who === 'you' && /paris|weather|today/i.test(c.text)) && m.conversation.some(c => c.who === 'reply') && m.lastTurn !== null && m.interruptions > 0 && m.framesReceived > 25";
        try
        {
            await page.WaitForFunctionAsync(
                $"() => {{ const m = window.akkaMedia; return !!m && (m.state === 'error' || m.state === 'stopped' || ({condition})); }}",
                new WaitForFunctionOptions { Timeout = (int)Patience.TotalMilliseconds, PollingInterval = 100 });
        }
        catch (WaitTaskTimeoutException)
        {
            Assert.Fail($"The page did not hear, answer and get interrupted within {Patience.TotalSeconds:0} s: {await StatusAsync(page)}{Environment.NewLine}{edge.Transcript}");
        }

        var status = await StatusAsync(page);
        output.WriteLine(status.GetRawText());
        Assert.Equal("streaming", status.GetProperty("state").GetString());
        var heard = status.GetProperty("conversation").EnumerateArray().First(c => c.GetProperty("who").GetString() == "you").GetProperty("text").GetString()!;
        var answer = status.GetProperty("conversation").EnumerateArray().First(c => c.GetProperty("who").GetString() == "reply").GetProperty("text").GetString()!;
        Assert.Equal($"You said: {heard}", answer);
        var turn = status.GetProperty("lastTurn");
        Assert.True(turn.GetProperty("firstAudioMs").GetDouble() >= turn.GetProperty("transcriptMs").GetDouble());

        // The page shows the conversation and the turn latency.
        var text = await page.EvaluateExpressionAsync<string>("document.body.innerText");
        Assert.Contains(heard, text, StringComparison.Ordinal);
        Assert.Contains("Turn latency", text, StringComparison.OrdinalIgnoreCase);
    }

    private static Task<JsonElement> StatusAsync(IPage page) =>
        page.EvaluateExpressionAsync<JsonElement>(
            "(() => { const m = window.akkaMedia; return m ? { state: m.state, framesSent: m.framesSent, framesReceived: m.framesReceived, lastTurn: m.lastTurn, interruptions: m.interruptions, conversation: m.conversation, error: m.error } : { state: '(no window.akkaMedia)' }; })()");
}

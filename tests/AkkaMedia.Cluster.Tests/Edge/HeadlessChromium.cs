using System.Collections.Concurrent;
using System.Diagnostics;
using PuppeteerSharp;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// The system's Chromium (<c>/usr/bin/chromium</c>, or <c>CHROMIUM_PATH</c>), headless, with a fake
/// microphone that plays a WAV file and a fake speaker, driven over the DevTools protocol by
/// PuppeteerSharp. It never downloads a browser. Disposing closes the browser and kills whatever of
/// its process tree is left; every browser still running when the test process exits is killed too,
/// so no outcome leaves one behind.
/// </summary>
/// <remarks>
/// What the flags do, as measured on Chromium 156 (Debian):
/// <list type="bullet">
/// <item><c>--use-fake-ui-for-media-stream</c> grants <c>getUserMedia</c> without a prompt;
/// <c>--use-fake-device-for-media-stream</c> replaces the microphone ("Fake Default Audio Input") and
/// the speakers ("Fake Default Audio Output"): the audio clock runs and AudioWorklets process with no
/// sound card.</item>
/// <item><c>--use-file-for-fake-audio-capture=FILE</c> makes that microphone play FILE, resampled to the
/// device's rate, as a 2-channel track, in a loop. Each pass lasts a little longer than the file (the
/// capture pads the file's last buffer with silence: 1.5 s of 48 kHz came back every 1,507 ms at
/// 44.1 kHz, 1.5 s of 16 kHz every 1,516 ms at 48 kHz), so a spec finds the file's content in the
/// recording by correlation rather than at a computed offset. A <c>%noloop</c> suffix would play it
/// once and then silence.</item>
/// <item><c>--autoplay-policy=no-user-gesture-required</c> starts an <c>AudioContext</c> in state
/// <c>running</c>; without it a context begins <c>suspended</c> and runs only once the page calls
/// <c>resume()</c> (which headless allows without a gesture once the microphone is granted).</item>
/// <item>The default <c>AudioContext</c> rate is the fake speaker's, 44,100 Hz; a page may ask for
/// another (<c>new AudioContext({ sampleRate: 48000 })</c> runs at 48,000 Hz).</item>
/// <item>Running as root needs <c>--no-sandbox</c>.</item>
/// </list>
/// </remarks>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where the browser is unless <c>CHROMIUM_PATH</c> says otherwise: Debian's <c>chromium</c> package.</summary>
    public const string DefaultPath = "/usr/bin/chromium";

    private static readonly ConcurrentDictionary<int, Process> Running = new();

    private readonly IBrowser _browser;
    private readonly Process? _process;

    static HeadlessChromium()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Values)
            {
                KillTree(process);
            }
        };
    }

    private HeadlessChromium(IBrowser browser)
    {
        _browser = browser;
        _process = browser.Process;
        if (_process is not null)
        {
            Running[_process.Id] = _process;
        }
    }

    /// <summary>The browser binary the specs use.</summary>
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path
        ? path
        : DefaultPath;

    /// <summary>The browser, to open pages in.</summary>
    public IBrowser Browser => _browser;

    /// <summary>Starts Chromium headless with <paramref name="microphoneWav"/> as its microphone (looped).</summary>
    public static async Task<HeadlessChromium> LaunchAsync(string microphoneWav)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new FileNotFoundException(
                $"No Chromium at {ExecutablePath}: install Debian's package (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH.",
                ExecutablePath);
        }

        if (microphoneWav.Contains('%', StringComparison.Ordinal))
        {
            // Chromium reads what follows a '%' in the capture file's path as options (%noloop).
            throw new ArgumentException($"The path of the fake microphone's file must not contain '%': {microphoneWav}", nameof(microphoneWav));
        }

        var options = new LaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Timeout = (int)TimeSpan.FromSeconds(60).TotalMilliseconds,
            Args =
            [
                "--no-sandbox",
                "--use-fake-ui-for-media-stream",
                "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + microphoneWav,
                "--autoplay-policy=no-user-gesture-required",
            ],
        };
        var browser = await Puppeteer.LaunchAsync(options).ConfigureAwait(false);
        return new HeadlessChromium(browser);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or PuppeteerException or IOException or ObjectDisposedException)
        {
            // A browser that does not close on request is killed below.
        }
        finally
        {
            if (_process is not null)
            {
                KillTree(_process);
                Running.TryRemove(_process.Id, out _);
            }

            await _browser.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // It ended on its own in the meantime.
        }
    }
}

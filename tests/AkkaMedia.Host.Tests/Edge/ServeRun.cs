using System.Text.RegularExpressions;
using AkkaMedia.Host.Commands;
using AkkaMedia.Host.Hosting;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary><c>akkamedia serve</c> of a repository pipeline run in this process, on any free port, with its remote stages on an executor; disposing stops it.</summary>
internal sealed class ServeRun : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop;

    private ServeRun(CancellationTokenSource stop, Task<int> exit, ObservedWriter stdout, ObservedWriter stderr, string readyLine, string url)
    {
        _stop = stop;
        Exit = exit;
        Stdout = stdout;
        Stderr = stderr;
        ReadyLine = readyLine;
        Url = url;
    }

    public Task<int> Exit { get; }

    public ObservedWriter Stdout { get; }

    public ObservedWriter Stderr { get; }

    /// <summary>The READY line as printed.</summary>
    public string ReadyLine { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>, from the READY line.</summary>
    public string Url { get; }

    /// <summary><c>ws://127.0.0.1:PORT</c> + <paramref name="path"/>.</summary>
    public Uri WebSocketUri(string path) => new(Url.Replace("http", "ws", StringComparison.Ordinal) + path);

    /// <summary>Starts <c>serve hocon/pipelines/<paramref name="pipeline"/> --seeds <paramref name="executorAddress"/> --http-port 0</c> and waits for READY.</summary>
    public static async Task<ServeRun> StartAsync(string executorAddress, string pipeline = "live-loopback.conf")
    {
        var stdout = new ObservedWriter();
        var stderr = new ObservedWriter();
        var node = new ClusterNodeOptions("127.0.0.1", 0, [executorAddress], ["client"], null) { HttpPort = 0 };
        var stop = new CancellationTokenSource();
        var exit = ServeCommand.RunAsync(Path.Combine(TestRepository.Root, "hocon", "pipelines", pipeline), node, null, stdout, stderr, stop.Token);
        string ready;
        try
        {
            ready = await stdout.WaitForAsync("READY", Timeout);
        }
        catch (TimeoutException)
        {
            await stop.CancelAsync();
            throw new TimeoutException($"serve printed no READY line: {stdout}{stderr}");
        }

        var url = Regex.Match(ready, @"READY (http://127\.0\.0\.1:\d+)").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(url), $"no URL in: {ready}");
        return new ServeRun(stop, exit, stdout, stderr, ready, url);
    }

    /// <summary>Sends the stop signal (as Ctrl-C does) and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await Exit.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exit.IsCompleted)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }
}

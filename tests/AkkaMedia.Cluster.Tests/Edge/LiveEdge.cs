namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A class fixture: an executor node and <c>akkamedia serve hocon/pipelines/live-loopback.conf</c>
/// joined to it on any free HTTP port of loopback, both real processes, plus the fake microphone's WAV file.
/// Disposing kills both processes and deletes the file, whatever state the tests left them in.
/// </summary>
public sealed class LiveEdge : IAsyncLifetime
{
    /// <summary>The pipeline the browser specs serve.</summary>
    public const string Pipeline = "pipelines/live-loopback.conf";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-browser-tests", Guid.NewGuid().ToString("N"));
    private NodeProcess? _executor;
    private ServeProcess? _serve;

    /// <summary>The server's base address as <c>serve</c> printed it on its READY line.</summary>
    public Uri Url => _serve?.Url ?? throw new InvalidOperationException("The edge has not started.");

    /// <summary>The WAV file the browser's fake microphone plays (<see cref="FakeMicrophone"/>).</summary>
    public string MicrophoneWav => Path.Combine(_folder, "microphone.wav");

    /// <summary>Both processes' output so far, for failure messages.</summary>
    public string Transcript => $"{_serve?.Process.Transcript}{Environment.NewLine}{_executor?.Process.Transcript}";

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        FakeMicrophone.WriteWav(MicrophoneWav);
        _executor = await NodeProcess.StartAsync("--port", "0");
        _serve = await ServeProcess.StartAsync(Pipeline, _executor.Address);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            if (_serve is not null)
            {
                await _serve.DisposeAsync();
            }
        }
        finally
        {
            if (_executor is not null)
            {
                await _executor.DisposeAsync();
            }

            Directory.Delete(_folder, recursive: true);
        }
    }
}

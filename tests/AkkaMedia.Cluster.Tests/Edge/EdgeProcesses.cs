namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>
/// A class fixture's processes: an executor node and <c>akkamedia serve</c> of a repository pipeline joined to it on
/// any free HTTP port of loopback, both real processes, plus the WAV file a browser's fake microphone plays. Disposing
/// kills both processes and deletes the folder, whatever state the tests left them in.
/// </summary>
public abstract class EdgeProcesses : IAsyncLifetime
{
    private readonly string _pipeline;
    private NodeProcess? _executor;
    private ServeProcess? _serve;

    /// <summary>Serves <paramref name="pipeline"/> (under hocon/) once started.</summary>
    protected EdgeProcesses(string pipeline)
    {
        _pipeline = pipeline;
    }

    /// <summary>The server's base address as <c>serve</c> printed it on its READY line.</summary>
    public Uri Url => _serve?.Url ?? throw new InvalidOperationException("The edge has not started.");

    /// <summary>The WAV file the browser's fake microphone plays.</summary>
    public string MicrophoneWav => Path.Combine(Folder, "microphone.wav");

    /// <summary>Both processes' output so far, for failure messages.</summary>
    public string Transcript => $"{_serve?.Process.Transcript}{Environment.NewLine}{_executor?.Process.Transcript}";

    /// <summary>A folder of the fixture's own, deleted on dispose.</summary>
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "akkamedia-browser-tests", Guid.NewGuid().ToString("N"));

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        await WriteMicrophoneAsync(MicrophoneWav);
        _executor = await NodeProcess.StartAsync("--port", "0");
        _serve = await ServeProcess.StartAsync(_pipeline, _executor.Address);
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

            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>Writes what the microphone plays to <paramref name="path"/>, before the processes start.</summary>
    protected abstract Task WriteMicrophoneAsync(string path);
}

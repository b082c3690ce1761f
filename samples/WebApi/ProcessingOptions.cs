namespace AkkaMedia.Samples.WebApi;

/// <summary>Limits of the audio endpoints, from the <c>Processing</c> section of the configuration.</summary>
internal sealed class ProcessingOptions
{
    /// <summary>The largest WAV body <c>POST /process</c> takes, in bytes (larger ones get 413); also the largest WebSocket message.</summary>
    public long MaxWavBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>How long a request waits for an executor to be up before it gets 503 (covers an app that has just started).</summary>
    public TimeSpan ExecutorWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The role of the cluster members that run the remote Gain stage.</summary>
    public string ExecutorRole { get; set; } = "executor";

    /// <summary>Refuses values the endpoints cannot work with, naming the key to fix.</summary>
    /// <exception cref="InvalidOperationException">A value is out of range.</exception>
    public void Validate()
    {
        if (MaxWavBytes < 44)
        {
            throw new InvalidOperationException($"Processing:MaxWavBytes is {MaxWavBytes}; give at least 44 bytes (a WAV header), e.g. 33554432 for 32 MiB.");
        }

        if (ExecutorWait < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Processing:ExecutorWait is {ExecutorWait}; give zero or a positive time such as 00:00:02.");
        }

        if (string.IsNullOrWhiteSpace(ExecutorRole))
        {
            throw new InvalidOperationException("Processing:ExecutorRole is empty; give the role of the executors, normally 'executor'.");
        }
    }
}

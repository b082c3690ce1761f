namespace AkkaMedia.Host.Demo;

/// <summary>What the demo pipeline reads and writes.</summary>
/// <param name="Input">WAV file to process; null to generate speech-like audio instead.</param>
/// <param name="Output">WAV file to write (16 kHz, 16-bit PCM).</param>
/// <param name="Duration">Length of the generated audio; ignored with an <paramref name="Input"/>.</param>
/// <param name="Seed">Seed of the generated audio; ignored with an <paramref name="Input"/>.</param>
/// <param name="LocalEcho">Run the echo stage in the client instead of on the embedded executor node.</param>
internal sealed record DemoOptions(string? Input, string Output, TimeSpan Duration, int Seed, bool LocalEcho = false)
{
    /// <summary>Port of the admin server on the embedded executor node (0 = any free port); null = <c>akka-media.admin.port</c>.</summary>
    public int? AdminPort { get; init; }

    /// <summary>
    /// Port of the HTTP endpoints on the embedded executor node (0 = any free port); null = <c>akka-media.http</c>
    /// (off by default). Ignored with <see cref="LocalEcho"/> (no executor node).
    /// </summary>
    public int? HttpPort { get; init; }

    /// <summary>Address of the HTTP endpoints; null = <c>akka-media.http.hostname</c>.</summary>
    public string? HttpHostname { get; init; }

    /// <summary>How the demo's nodes write their log lines to standard error (<c>--log-format</c>).</summary>
    public Logs.LogFormat LogFormat { get; init; }
}

using Akka.Configuration;
using AkkaMedia.Host.Admin;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// Admission and limits of the live edge, read from <c>akka-media.edge</c> (defaults and their reasons in the host's
/// <c>reference.conf</c>; docs/edge-protocol.md "Admission and limits").
/// </summary>
internal sealed record EdgeSettings(
    int MaxSessions,
    int MaxMessageBytes,
    string Token,
    IReadOnlyList<string> AllowedOrigins,
    TimeSpan IdleTimeout,
    TimeSpan OutgoingBuffer,
    int IncomingBuffer,
    TimeSpan CloseTimeout,
    TimeSpan MaxInputLag)
{
    /// <summary>The defaults of <c>reference.conf</c>.</summary>
    public static EdgeSettings Default { get; } = Create(ConfigurationFactory.Empty);

    /// <summary>Reads <c>akka-media.edge</c> of <paramref name="config"/> over the defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the key and what is allowed.</exception>
    public static EdgeSettings Create(Config config)
    {
        var edge = config.WithFallback(AdminSettings.DefaultConfig).GetConfig("akka-media.edge");
        var settings = new EdgeSettings(
            edge.GetInt("max-sessions"),
            edge.GetInt("max-message-bytes"),
            edge.GetString("token") ?? string.Empty,
            edge.GetStringList("allowed-origins").Select(o => o.Trim().TrimEnd('/')).Where(o => o.Length > 0).ToList(),
            edge.GetTimeSpan("idle-timeout"),
            edge.GetTimeSpan("outgoing-buffer"),
            edge.GetInt("incoming-buffer"),
            edge.GetTimeSpan("close-timeout"),
            edge.GetTimeSpan("max-input-lag"));
        Require(settings.MaxSessions > 0, "max-sessions", settings.MaxSessions, "a positive number of sessions (--max-sessions)");
        Require(settings.MaxMessageBytes >= 1024, "max-message-bytes", settings.MaxMessageBytes, "at least 1024 bytes");
        Require(settings.IdleTimeout > TimeSpan.Zero, "idle-timeout", settings.IdleTimeout, "a positive duration, e.g. 10s");
        Require(settings.OutgoingBuffer >= TimeSpan.FromMilliseconds(20), "outgoing-buffer", settings.OutgoingBuffer, "at least one 20 ms packet, e.g. 1s");
        Require(settings.IncomingBuffer > 0, "incoming-buffer", settings.IncomingBuffer, "a positive number of messages");
        Require(settings.CloseTimeout > TimeSpan.Zero, "close-timeout", settings.CloseTimeout, "a positive duration, e.g. 2s");
        Require(settings.MaxInputLag >= TimeSpan.Zero, "max-input-lag", settings.MaxInputLag, "a duration, e.g. 1s (0s = never drop incoming audio)");
        return settings;
    }

    /// <summary>Outgoing 20 ms packets kept for a slow client before the oldest is dropped.</summary>
    public int OutgoingPackets => Math.Max(1, (int)(OutgoingBuffer.TotalMilliseconds / 20));

    private static void Require(bool valid, string key, object value, string allowed)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException($"akka-media.edge.{key}", value, $"akka-media.edge.{key} must be {allowed}; it is {value}.");
        }
    }
}

using System.Text.Json;

namespace AkkaMedia.Host.Edge;

/// <summary>The <c>start</c> message of a <c>/media</c> client: the audio format it speaks, both ways.</summary>
internal sealed record MediaStart(ClientAudioFormat Format, string Encoding)
{
    /// <summary>The lowest and highest sample rates a client may ask for, in Hz.</summary>
    public const int MinSampleRate = 8000, MaxSampleRate = 192000;

    /// <summary>The most channels a client may ask for.</summary>
    public const int MaxChannels = 8;

    /// <summary>Reads a <c>start</c> message from its JSON object.</summary>
    /// <exception cref="EdgeProtocolException">A field is missing, of the wrong kind or out of range; the message names it and what is allowed.</exception>
    public static MediaStart Parse(JsonElement message)
    {
        var rate = Int(message, "sampleRate", null);
        var channels = Int(message, "channels", 1);
        var encoding = message.TryGetProperty("encoding", out var e) ? e.ValueKind == JsonValueKind.String ? MediaEndpoint.StringOf(e, "start.encoding") : throw new EdgeProtocolException("start.encoding must be a string: \"pcm16\" or \"opus\".") : "pcm16";
        if (rate is < MinSampleRate or > MaxSampleRate)
        {
            throw new EdgeProtocolException($"start.sampleRate must be between {MinSampleRate} and {MaxSampleRate} Hz; it is {rate}.");
        }

        if (rate % 50 != 0)
        {
            throw new EdgeProtocolException($"start.sampleRate must be a multiple of 50 Hz so that 20 ms is a whole number of samples; it is {rate}.");
        }

        if (channels is < 1 or > MaxChannels)
        {
            throw new EdgeProtocolException($"start.channels must be between 1 and {MaxChannels}; it is {channels}.");
        }

        return new MediaStart(new ClientAudioFormat(rate, channels), encoding);
    }

    private static int Int(JsonElement message, string name, int? fallback)
    {
        if (!message.TryGetProperty(name, out var value))
        {
            return fallback ?? throw new EdgeProtocolException($"start needs \"{name}\", e.g. {{\"type\":\"start\",\"sampleRate\":16000,\"channels\":1,\"encoding\":\"pcm16\"}}.");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new EdgeProtocolException($"start.{name} must be a whole number; it is {value.GetRawText()}.");
        }

        return number;
    }
}

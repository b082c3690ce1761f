namespace AkkaMedia.Host.Tests.Edge.Twilio;

/// <summary>
/// The messages of one Twilio Media Streams call, as Twilio sends them (compact JSON, its key order, the sequence
/// number as a string counting from 1 after <c>connected</c>, <c>media.chunk</c> counting from 1, <c>media.timestamp</c>
/// in milliseconds as a string, 20 ms of 8 kHz G.711 per chunk), for specs to replay.
/// </summary>
public sealed class TwilioCall
{
    private int _sequence;
    private int _chunk;

    /// <summary>A call with made-up ids of Twilio's shape (two letters and 32 hex digits).</summary>
    public TwilioCall(string encoding = "audio/x-mulaw")
    {
        Encoding = encoding;
        StreamSid = "MZ" + Hex(1);
        CallSid = "CA" + Hex(2);
        AccountSid = "AC" + Hex(3);
    }

    public string Encoding { get; }

    public string StreamSid { get; }

    public string CallSid { get; }

    public string AccountSid { get; }

    public static string Connected() => """{"event":"connected","protocol":"Call","version":"1.0.0"}""";

    public string Start() =>
        $$$"""{"event":"start","sequenceNumber":"{{{Next()}}}","start":{"accountSid":"{{{AccountSid}}}","streamSid":"{{{StreamSid}}}","callSid":"{{{CallSid}}}","tracks":["inbound"],"mediaFormat":{"encoding":"{{{Encoding}}}","sampleRate":8000,"channels":1},"customParameters":{"caller":"+15550100","language":"en-US"}},"streamSid":"{{{StreamSid}}}"}""";

    /// <summary>One chunk of audio on <paramref name="track"/> (<paramref name="codes"/>: G.711, 160 bytes for 20 ms).</summary>
    public string Media(ReadOnlySpan<byte> codes, string track = "inbound")
    {
        var chunk = ++_chunk;
        return $$$"""{"event":"media","sequenceNumber":"{{{Next()}}}","media":{"track":"{{{track}}}","chunk":"{{{chunk}}}","timestamp":"{{{(chunk - 1) * 20}}}","payload":"{{{Convert.ToBase64String(codes)}}}"},"streamSid":"{{{StreamSid}}}"}""";
    }

    public string Dtmf(char digit) =>
        $$$"""{"event":"dtmf","streamSid":"{{{StreamSid}}}","sequenceNumber":"{{{Next()}}}","dtmf":{"track":"inbound_track","digit":"{{{digit}}}"}}""";

    public string Mark(string name) =>
        $$$"""{"event":"mark","sequenceNumber":"{{{Next()}}}","streamSid":"{{{StreamSid}}}","mark":{"name":"{{{name}}}"}}""";

    public string Stop() =>
        $$$"""{"event":"stop","sequenceNumber":"{{{Next()}}}","streamSid":"{{{StreamSid}}}","stop":{"accountSid":"{{{AccountSid}}}","callSid":"{{{CallSid}}}"}}""";

    private static string Hex(int seed)
    {
        var bytes = new byte[16];
        new Random(seed).NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private string Next() => (++_sequence).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

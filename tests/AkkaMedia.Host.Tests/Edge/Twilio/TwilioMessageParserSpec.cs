using System.Text;
using System.Text.Json;
using AkkaMedia.Host.Edge.Codecs;
using AkkaMedia.Host.Edge.Twilio;
using CsCheck;

namespace AkkaMedia.Host.Tests.Edge.Twilio;

/// <summary>
/// Reading Twilio Media Streams messages: a call as Twilio sends it, fields in any order, escaped base64, and for any
/// other input a <see cref="TwilioProtocolException"/> saying what to fix, never another exception.
/// </summary>
public sealed class TwilioMessageParserSpec : IDisposable
{
    private readonly TwilioMessageParser _parser = new();

    public void Dispose() => _parser.Dispose();

    [Fact]
    public void A_recorded_call_must_read_as_connected_start_media_ignored_dtmf_mark_and_stop()
    {
        var call = new TwilioCall();
        var chunks = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 160).Select(b => (byte)(b * 7 + i)).ToArray()).ToArray();

        var connected = Assert.IsType<TwilioEvent.Connected>(Parse(TwilioCall.Connected()));
        var start = Assert.IsType<TwilioEvent.Start>(Parse(call.Start()));
        foreach (var chunk in chunks)
        {
            var media = Assert.IsType<TwilioEvent.Media>(Parse(call.Media(chunk)));
            Assert.Equal(chunk, media.Payload.ToArray());
            Assert.True(media.IsInbound);
        }

        Assert.Equal(new TwilioEvent.Ignored("dtmf"), Parse(call.Dtmf('7')));
        Assert.Equal(new TwilioEvent.Mark("greeting played"), Parse(call.Mark("greeting played")));
        Assert.Same(TwilioEvent.Stop.Instance, Parse(call.Stop()));

        Assert.Equal(("Call", "1.0.0"), (connected.Protocol, connected.Version));
        Assert.Equal((call.StreamSid, call.CallSid, call.AccountSid), (start.StreamSid, start.CallSid, start.AccountSid));
        Assert.Equal((G711Law.MuLaw, 8000, 1), (start.Law, start.SampleRate, start.Channels));
        Assert.Equal(["inbound"], start.Tracks);
        Assert.Equal(new Dictionary<string, string> { ["caller"] = "+15550100", ["language"] = "en-US" }, start.CustomParameters);
    }

    [Fact]
    public void An_A_law_start_must_name_A_law()
    {
        var start = Assert.IsType<TwilioEvent.Start>(Parse(new TwilioCall("audio/x-alaw").Start()));

        Assert.Equal(G711Law.ALaw, start.Law);
    }

    [Fact]
    public void Fields_must_be_read_in_any_order_with_unknown_ones_skipped()
    {
        var payload = new byte[] { 0xFF, 0x7F, 0x00, 0x80 };
        var json = $$$"""{"sequenceNumber":"9","media":{"payload":"{{{Convert.ToBase64String(payload)}}}","extra":{"a":[1,{"b":null}]},"track":"outbound"},"future":[true],"event":"media"}""";

        var media = Assert.IsType<TwilioEvent.Media>(Parse(json));

        Assert.Equal(payload, media.Payload.ToArray());
        Assert.Equal(TwilioMessageParser.OutboundTrack, media.Track);
        Assert.False(media.IsInbound);
    }

    [Fact]
    public void A_start_must_take_its_streamSid_from_the_start_object_or_else_from_the_message()
    {
        var inner = Assert.IsType<TwilioEvent.Start>(Parse("""{"event":"start","streamSid":"MZouter","start":{"streamSid":"MZinner"}}"""));
        var outer = Assert.IsType<TwilioEvent.Start>(Parse("""{"event":"start","streamSid":"MZouter","start":{}}"""));

        Assert.Equal("MZinner", inner.StreamSid);
        Assert.Equal("MZouter", outer.StreamSid);
        Assert.Equal((G711Law.MuLaw, 8000, 1), (outer.Law, outer.SampleRate, outer.Channels));
    }

    [Fact]
    public void A_payload_whose_JSON_escapes_characters_must_decode_as_the_plain_one()
    {
        var payload = Enumerable.Range(0, 160).Select(b => (byte)(255 - b)).ToArray();
        var base64 = Convert.ToBase64String(payload);
        var escaped = base64.Replace("+", "\\u002B", StringComparison.Ordinal).Replace("/", "\\/", StringComparison.Ordinal);

        var media = Assert.IsType<TwilioEvent.Media>(Parse($$$"""{"event":"media","media":{"payload":"{{{escaped}}}"}}"""));

        Assert.NotEqual(base64, escaped);
        Assert.Equal(payload, media.Payload.ToArray());
    }

    [Fact]
    public void Payloads_of_any_length_must_decode_whatever_came_before()
    {
        Gen.Byte.Array[0, 4000].Array[1, 6].Sample(payloads =>
        {
            using var parser = new TwilioMessageParser(); // one per sample: samples run in parallel, a parser is one connection's
            foreach (var payload in payloads)
            {
                var media = Assert.IsType<TwilioEvent.Media>(parser.Parse(Encoding.UTF8.GetBytes(new TwilioCall().Media(payload))));
                Assert.Equal(payload, media.Payload.ToArray());
            }
        }, iter: 200);
    }

    [Theory]
    [InlineData("[]", "one JSON object")]
    [InlineData("\"media\"", "one JSON object")]
    [InlineData("", "not a JSON object")]
    [InlineData("{\"event\":\"media\"", "not a JSON object")]
    [InlineData("{\"event\":\"stop\"} {\"event\":\"stop\"}", "not a JSON object")]
    [InlineData("{}", "needs an \"event\"")]
    [InlineData("{\"streamSid\":\"MZ1\",\"media\":{\"payload\":\"AAAA\"}}", "needs an \"event\"")]
    [InlineData("{\"event\":5}", "\"event\" must be a string")]
    [InlineData("{\"event\":\"media\",\"media\":{\"payload\":\"not base64!\"}}", "media.payload is not base64")]
    [InlineData("{\"event\":\"media\",\"media\":{\"payload\":\"AAA\"}}", "media.payload is not base64")]
    [InlineData("{\"event\":\"media\",\"media\":{\"payload\":42}}", "media.payload must be a base64 string")]
    [InlineData("{\"event\":\"media\",\"media\":{\"track\":\"inbound\"}}", "needs media.payload")]
    [InlineData("{\"event\":\"media\"}", "needs media.payload")]
    [InlineData("{\"event\":\"media\",\"media\":\"AAAA\"}", "\"media\" must be an object")]
    [InlineData("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"mediaFormat\":{\"encoding\":\"audio/l16\"}}}", "unsupported start.mediaFormat.encoding")]
    [InlineData("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"mediaFormat\":{\"sampleRate\":16000}}}", "unsupported start.mediaFormat.sampleRate")]
    [InlineData("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"mediaFormat\":{\"sampleRate\":\"8000\"}}}", "unsupported start.mediaFormat.sampleRate")]
    [InlineData("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"mediaFormat\":{\"channels\":2}}}", "unsupported start.mediaFormat.channels")]
    [InlineData("{\"event\":\"start\",\"streamSid\":\"MZ1\",\"start\":{\"mediaFormat\":\"mulaw\"}}", "start.mediaFormat must be an object")]
    [InlineData("{\"event\":\"start\",\"start\":{\"callSid\":\"CA1\"}}", "needs a streamSid")]
    [InlineData("{\"event\":\"start\",\"streamSid\":\"MZ1\"}", "needs a \"start\" object")]
    [InlineData("{\"event\":\"mark\",\"mark\":{}}", "needs mark.name")]
    [InlineData("{\"event\":\"mark\",\"mark\":{\"name\":3}}", "mark.name must be a string")]
    public void A_message_the_edge_cannot_act_on_must_be_a_protocol_violation_saying_what_to_fix(string json, string fix)
    {
        var error = Assert.Throws<TwilioProtocolException>(() => Parse(json));

        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        Assert.True(Encoding.UTF8.GetByteCount(error.Message) <= 123, $"'{error.Message}' does not fit a close frame's reason");
    }

    [Fact]
    public void Text_that_is_not_UTF8_must_be_a_protocol_violation()
    {
        byte[] json = [.. "{\"event\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Throws<TwilioProtocolException>(() => _parser.Parse(json));
    }

    [Fact]
    public void Any_bytes_must_parse_or_be_a_protocol_violation() =>
        Gen.Byte.Array[0, 300].Sample(bytes => AssertParsesOrViolates(bytes), iter: 5_000);

    [Fact]
    public void Any_string_must_parse_or_be_a_protocol_violation() =>
        Gen.String.Sample(text => AssertParsesOrViolates(Encoding.UTF8.GetBytes(text)), iter: 5_000);

    [Fact]
    public void Any_JSON_object_of_Twilio_words_must_parse_or_be_a_protocol_violation() =>
        JsonObject(3).Sample(json => AssertParsesOrViolates(Encoding.UTF8.GetBytes(json)), iter: 20_000);

    [Fact]
    public void A_recorded_message_cut_or_with_a_byte_changed_must_parse_or_be_a_protocol_violation()
    {
        var call = new TwilioCall();
        var recorded = new[] { TwilioCall.Connected(), call.Start(), call.Media(new byte[160]), call.Dtmf('1'), call.Mark("m"), call.Stop() }
            .Select(Encoding.UTF8.GetBytes).ToArray();

        Gen.Select(Gen.Int[0, recorded.Length - 1], Gen.Int[0, 1000], Gen.Byte, Gen.Bool).Sample((which, at, value, cut) =>
        {
            var message = recorded[which].ToArray();
            var position = at % message.Length;
            if (cut)
            {
                AssertParsesOrViolates(message.AsSpan(0, position).ToArray());
            }
            else
            {
                message[position] = value;
                AssertParsesOrViolates(message);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void A_disposed_parser_must_refuse_to_parse()
    {
        _parser.Dispose();

        Assert.Throws<ObjectDisposedException>(() => Parse(TwilioCall.Connected()));
    }

    private TwilioEvent Parse(string json) => _parser.Parse(Encoding.UTF8.GetBytes(json));

    // A parser per message: CsCheck runs samples in parallel, and a parser serves one connection at a time.
    private static void AssertParsesOrViolates(byte[] message)
    {
        using var parser = new TwilioMessageParser();
        try
        {
            Assert.NotNull(parser.Parse(message));
        }
        catch (TwilioProtocolException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    // JSON objects made of the words Twilio's messages use, nested, with values of every JSON type in the places the
    // parser looks: most are wrong somewhere, some are right.
    private static Gen<string> JsonObject(int depth)
    {
        var key = Gen.OneOfConst(
            "event", "streamSid", "sequenceNumber", "start", "mediaFormat", "encoding", "sampleRate", "channels", "tracks",
            "customParameters", "callSid", "media", "payload", "track", "chunk", "timestamp", "mark", "name", "stop", "dtmf", "x");
        var scalar = Gen.OneOf(
            Gen.OneOfConst(
                "\"media\"", "\"start\"", "\"mark\"", "\"stop\"", "\"connected\"", "\"dtmf\"", "\"audio/x-mulaw\"", "\"audio/x-alaw\"",
                "\"inbound\"", "\"outbound\"", "8000", "1", "2", "8000.5", "-1", "1e400", "null", "true", "false", "\"AAAA\"", "\"/w==\"",
                "\"@@\"", "\"\"", "\"\\u002B\\/8=\"", "[]", "{}"),
            Gen.String.Select(s => JsonSerializer.Serialize(s)),
            Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Gen<string> Value(int level) => level == 0 ? scalar : Gen.OneOf(scalar, scalar, Object(level - 1), Array(level - 1));
        Gen<string> Array(int level) => Value(level).Array[0, 3].Select(items => "[" + string.Join(",", items) + "]");
        Gen<string> Object(int level) =>
            Gen.Select(key, Value(level)).Array[0, 5].Select(pairs => "{" + string.Join(",", pairs.Select(p => $"\"{p.Item1}\":{p.Item2}")) + "}");

        return Object(depth);
    }
}

using System.Text;
using System.Text.Json;
using AkkaMedia.Host.Edge.Twilio;
using CsCheck;

namespace AkkaMedia.Host.Tests.Edge.Twilio;

/// <summary>
/// The messages the edge sends to Twilio: <c>media</c> with the stream's sid and base64 G.711, and <c>mark</c> with
/// the name given, in the published shape and nothing more.
/// </summary>
public sealed class TwilioMessageWriterSpec : IDisposable
{
    private const string StreamSid = "MZ18ad3ab5a668481ce02b83e7395059f0";
    private readonly TwilioMessageWriter _writer = new(StreamSid);

    public void Dispose() => _writer.Dispose();

    [Fact]
    public void A_media_message_must_carry_the_streamSid_and_the_codes_in_plain_base64()
    {
        var codes = Enumerable.Range(0, 160).Select(b => (byte)(b * 13)).ToArray();

        var text = Encoding.UTF8.GetString(_writer.Media(codes).Span);

        using var json = JsonDocument.Parse(text);
        Assert.Equal(["event", "streamSid", "media"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("media", json.RootElement.GetProperty("event").GetString());
        Assert.Equal(StreamSid, json.RootElement.GetProperty("streamSid").GetString());
        Assert.Equal(["payload"], json.RootElement.GetProperty("media").EnumerateObject().Select(p => p.Name));
        Assert.Contains($"\"payload\":\"{Convert.ToBase64String(codes)}\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mark_message_must_carry_the_streamSid_and_the_name_whatever_its_characters()
    {
        const string name = "said \"hello\" \\ to ünïcode <&> +1/2";

        var text = Encoding.UTF8.GetString(_writer.Mark(name).Span);

        using var json = JsonDocument.Parse(text);
        Assert.Equal(["event", "streamSid", "mark"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("mark", json.RootElement.GetProperty("event").GetString());
        Assert.Equal(StreamSid, json.RootElement.GetProperty("streamSid").GetString());
        Assert.Equal(name, json.RootElement.GetProperty("mark").GetProperty("name").GetString());
    }

    [Fact]
    public void Any_codes_and_names_must_read_back_through_the_parser()
    {
        Gen.Select(Gen.Byte.Array[0, 400], Gen.String).Sample((codes, name) =>
        {
            // One writer and parser per sample: CsCheck runs samples in parallel, and each serves one connection.
            using var writer = new TwilioMessageWriter(StreamSid);
            using var parser = new TwilioMessageParser();

            var media = Assert.IsType<TwilioEvent.Media>(parser.Parse(writer.Media(codes).Span));
            Assert.Equal(codes, media.Payload.ToArray());

            Assert.Equal(new TwilioEvent.Mark(name), parser.Parse(writer.Mark(name).Span));
        }, iter: 1_000);
    }

    [Fact]
    public void A_writer_must_need_a_streamSid()
    {
        Assert.Equal("streamSid", Assert.Throws<ArgumentException>(() => new TwilioMessageWriter("")).ParamName);
    }
}

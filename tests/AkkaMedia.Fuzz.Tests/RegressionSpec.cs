using System.Text;
using Xunit;

namespace AkkaMedia.Fuzz.Tests;

/// <summary>
/// The minimal inputs of the bugs fuzzing found (issue 17), each run through its parser's fuzz target: it must now be
/// refused with the parser's documented exception, a message saying what is wrong, within the allocation limit and
/// without hanging.
/// </summary>
public sealed class RegressionSpec(FuzzEnvironmentFixture fixture) : IClassFixture<FuzzEnvironmentFixture>
{
    [Theory]
    [InlineData("a = [ = 1 ]")]
    [InlineData("a=[1 = 2]")]
    [InlineData("a=[1, : 2]")]
    [InlineData("a=[x*y]")]
    [InlineData("a=[{e=1}?]")]
    [InlineData("a=[$]")]
    [InlineData("{e{}s=[{e=${@}}]}")]
    [InlineData("e{{}s=[{e=R\n{t=0}}]}")]
    [InlineData("x {\n  sam  stages = [\n  { type = Echo, remorue }\n  ]ples-per-frame = 960\n}")]
    [InlineData("{e{t=[{y=${e}=e}]\ne=t}}")]
    [InlineData("{r{t=[{x}]\nk=1}}")]
    [InlineData("\f\u0000wav-filepelsink")]
    [InlineData("pipeline {\n source { type = wav-file, path = a.wav }\n stages = [{ type = Gain, gain \u0000\u00015 }]\n sink { type = wav-file, path = b.wav }\n}")]
    [InlineData("{e{t=[{y=${?e} : e}]\ne=t}}")]
    [InlineData("{pipeline {\n  stages = [\n    { type = Echo, delay = 250ms${pipeline.source}ote = true }\n  ]\n  source { type = websocket }\n}}")]
    public void Pipeline_file_must_refuse_HOCON_that_hangs_Akkas_parser(string text) =>
        AssertRefused<Host.Pipelines.PipelineFileException>("pipeline", Encoding.UTF8.GetBytes(text), ", line ");

    [Theory]
    [InlineData("include \"x\"")]
    [InlineData("a = include \"x\"")]
    [InlineData("include\n\"x\"")]
    [InlineData(".include \"x\"")]
    public void Pipeline_file_must_refuse_an_include_instead_of_failing_inside_Akkas_parser(string text) =>
        AssertRefused<Host.Pipelines.PipelineFileException>("pipeline", Encoding.UTF8.GetBytes(text), "include");

    [Theory]
    [InlineData("pipeline {\n source { type = wav-file, path = a.wav }\n stages = [{ type = null }]\n sink { type = wav-file, path = b.wav }\n}", "type of stage 1")]
    [InlineData("pipeline {\n source { type = null }\n sink { type = wav-file, path = b.wav }\n}", "type of source")]
    [InlineData("pipeline {\n source { type = wav-file, path = a.wav }\n stages = [{ type = Gain, gain { x = 1 } }]\n sink { type = wav-file, path = b.wav }\n}", "'gain' is an object")]
    [InlineData("pipeline=\u00e9", "'pipeline' must be a block")]
    [InlineData("pipeline {\n source = x\n sink { type = wav-file, path = b.wav }\n}", "'source' must be a block")]
    [InlineData("pipeline {\n source { type = wav-file, path = a.wav }\n stages = x\n sink { type = wav-file, path = b.wav }\n}", "'stages' must be a list")]
    public void Pipeline_file_must_refuse_a_null_type_an_object_setting_or_a_value_for_a_block_saying_which(string text, string expected) =>
        AssertRefused<Host.Pipelines.PipelineFileException>("pipeline", Encoding.UTF8.GetBytes(text), expected);

    [Fact]
    public void ProtocolSerializer_must_refuse_a_batch_member_longer_than_the_payload_before_allocating_it() =>
        // Manifest 10 of the target's list is AB (SessionsAnswered); one member that claims 14,532,674 bytes.
        AssertRefused<System.Runtime.Serialization.SerializationException>("protocol", Convert.FromHexString("C645C280F706FB4354C27BFF"), "batch member");

    [Fact]
    public void ProtocolSerializer_must_refuse_a_nested_value_its_serializer_cannot_read_with_a_SerializationException() =>
        // A batch (OpenSessions, manifest 8) whose member's nested value names serializer 1 (JSON) over bytes that are not JSON.
        AssertRefused<System.Runtime.Serialization.SerializationException>(
            "protocol",
            Convert.FromHexString("08013109736573736920002D317D0100000000200044040000000203040A00000000000020004404000000003E000016010203040017616B6B613A2F2F66757A696F"),
            "cannot be read");

    [Fact]
    public void LinkElementCodec_must_refuse_a_data_payload_shorter_than_its_prefix() =>
        AssertRefused<InvalidDataException>("link", Message(kind: 2, channel: 1, [0x25, 0x1C, 0]), "cannot hold a serializer id");

    [Fact]
    public void LinkElementCodec_must_refuse_a_manifest_longer_than_the_payload() =>
        AssertRefused<InvalidDataException>("link", Message(kind: 2, channel: 1, [0x85, 0x1C, 0, 0, 200, (byte)'A']), "cannot hold a serializer id");

    [Fact]
    public void LinkElementCodec_must_refuse_an_element_its_serializer_cannot_read_as_a_malformed_message() =>
        AssertRefused<InvalidDataException>("link", Message(kind: 2, channel: 1, [0x39, 0x30, 0, 0, 1, (byte)'X', 1, 2]), "cannot be read");

    [Fact]
    public void LinkReader_must_refuse_a_demand_that_is_not_four_bytes() =>
        AssertRefused<InvalidDataException>("link", Message(kind: 3, channel: 1, [7, 0]), "Corrupt demand");

    [Fact]
    public void LinkReader_must_not_allocate_what_a_length_claims_before_the_bytes_arrive()
    {
        // A header announcing the largest message (64 MiB) followed by a few bytes: refused at the end, with no 64 MiB buffer.
        var outcome = FuzzCheck.Run(FuzzTargets.Named(fixture.Environment, "link"), [0, 0, 0, 4, 2, 1, 0, 0, 0], TimeSpan.FromSeconds(5));
        Assert.Null(outcome.Problem);
        Assert.True(outcome.Allocated < 4 * 1024 * 1024, $"allocated {outcome.Allocated:N0} bytes");
    }

    [Theory]
    [InlineData(new byte[] { 0, (byte)'{', (byte)'"', (byte)'t', (byte)'y', (byte)'p', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xFF, 0xFF, (byte)'"', (byte)'}' }, "must be UTF-8")]
    public void Edge_must_refuse_a_text_message_that_is_not_UTF8(byte[] input, string expected) =>
        AssertRefused<Host.Edge.EdgeProtocolException>("edge", input, expected);

    [Theory]
    [InlineData("{\"type\":\"\\ud800\"}", "lone surrogate")]
    [InlineData("{\"type\":\"start\",\"sampleRate\":16000,\"encoding\":\"\\udc00\"}", "lone surrogate")]
    public void Edge_must_refuse_an_escaped_lone_surrogate(string json, string expected) =>
        AssertRefused<Host.Edge.EdgeProtocolException>("edge", [0, .. Encoding.UTF8.GetBytes(json)], expected);

    [Fact]
    public void WavFileSource_must_refuse_a_block_align_of_zero() =>
        AssertRefused<InvalidDataException>("wav", Convert.FromHexString("524946466601000057415645666D74201200000001000100803E00004801000000000000000064617461400100004E1B"), "block align is 0");

    [Fact]
    public void WavFileSource_must_refuse_more_channels_than_it_sizes_a_frame_buffer_for() =>
        // 16-bit PCM, 65,535 channels: a 960-sample frame buffer would take 125 MB.
        AssertRefused<InvalidDataException>("wav", Wav(channels: 65535, bits: 16), "channel(s)");

    [Fact]
    public void Y4mFileSource_must_refuse_a_frame_larger_than_the_file_before_allocating_it() =>
        AssertRefused<InvalidDataException>("y4m", Encoding.ASCII.GetBytes("YUV4MPEG2 W30000 H30000 C420\nFRAME\n\0\0\0\0"), "truncated");

    private void AssertRefused<TException>(string target, byte[] input, string expected)
        where TException : Exception
    {
        var run = Task.Run(() => FuzzCheck.Run(FuzzTargets.Named(fixture.Environment, target), input, TimeSpan.FromSeconds(5)));
        Assert.True(run.Wait(TimeSpan.FromSeconds(30)), $"{target} did not finish with {Convert.ToHexString(input)}.");
        var outcome = run.Result;
        Assert.Null(outcome.Problem);
        var exception = Assert.IsAssignableFrom<TException>(outcome.Exception);
        Assert.True(exception.ToString().Contains(expected, StringComparison.Ordinal), $"Expected '{expected}' in {exception}");
    }

    private static byte[] Message(byte kind, int channel, byte[] payload) =>
        [.. BitConverter.GetBytes(5 + payload.Length), kind, .. BitConverter.GetBytes(channel), .. payload];

    private static byte[] Wav(int channels, int bits)
    {
        var blockAlign = (ushort)(channels * bits / 8);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.ASCII, leaveOpen: true))
        {
            writer.Write("RIFF"u8);
            writer.Write(36 + 8);
            writer.Write("WAVEfmt "u8);
            writer.Write(16);
            writer.Write((ushort)1);
            writer.Write((ushort)channels);
            writer.Write(16000);
            writer.Write(16000 * blockAlign);
            writer.Write(blockAlign);
            writer.Write((ushort)bits);
            writer.Write("data"u8);
            writer.Write(8);
            writer.Write(new byte[8]);
        }

        return stream.ToArray();
    }
}

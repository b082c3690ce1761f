using System.Buffers;
using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes;

public sealed class NodeStateSpec
{
    [Fact]
    public void What_the_writer_writes_the_reader_must_read_back_bit_for_bit_in_order()
    {
        var buffer = new ArrayBufferWriter<byte>(1);
        var writer = new NodeStateWriter(buffer);
        writer.WriteVersion(3);
        writer.WriteBoolean(true);
        writer.WriteInt32(-7);
        writer.WriteInt64(long.MinValue);
        writer.WriteDouble(double.NegativeZero);
        writer.WriteTimeSpan(TimeSpan.FromTicks(12_345));
        writer.WriteFloats([1.5f, float.NaN, -0f]);
        writer.WriteFloats([]);

        var reader = new NodeStateReader(buffer.WrittenSpan, "Spec");
        reader.ReadVersion(3);
        Assert.True(reader.ReadBoolean());
        Assert.Equal(-7, reader.ReadInt32());
        Assert.Equal(long.MinValue, reader.ReadInt64());
        Assert.Equal(BitConverter.DoubleToInt64Bits(double.NegativeZero), BitConverter.DoubleToInt64Bits(reader.ReadDouble()));
        Assert.Equal(TimeSpan.FromTicks(12_345), reader.ReadTimeSpan());
        Assert.Equal(
            [BitConverter.SingleToInt32Bits(1.5f), BitConverter.SingleToInt32Bits(float.NaN), BitConverter.SingleToInt32Bits(-0f)],
            reader.ReadFloats().Select(BitConverter.SingleToInt32Bits));
        Assert.Empty(reader.ReadFloats());
        reader.ReadEnd();
    }

    [Fact]
    public void A_flag_that_is_neither_0_nor_1_must_be_refused_naming_the_node()
    {
        var error = Assert.Throws<InvalidDataException>(() => new NodeStateReader([2], "Mixer").ReadBoolean());

        Assert.Equal("The saved state of node 'Mixer' cannot be restored: a flag holds 2, not 0 or 1.", error.Message);
    }

    [Fact]
    public void A_negative_sample_count_must_be_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => new NodeStateReader([0xFF, 0xFF, 0xFF, 0xFF], "Mixer").ReadFloats());

        Assert.Contains("announces -1 samples", error.Message, StringComparison.Ordinal);
    }
}

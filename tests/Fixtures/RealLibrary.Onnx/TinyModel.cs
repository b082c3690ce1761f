using System.Text;

namespace RealLibrary.Onnx;

/// <summary>
/// The bytes of the smallest useful ONNX model, written as protobuf by hand: one <c>Add</c> node, float inputs
/// <c>a</c> and <c>b</c> and output <c>sum</c> of shape [length], IR version 8, opset 13.
/// </summary>
public static class TinyModel
{
    private const int Float = 1; // TensorProto.DataType.FLOAT

    /// <summary>The serialized <c>ModelProto</c> of <c>sum = a + b</c> over float vectors of <paramref name="length"/>.</summary>
    public static byte[] Add(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var node = Message(Text(1, "a"), Text(1, "b"), Text(2, "sum"), Text(3, "add"), Text(4, "Add"));
        var graph = Message(
            Field(1, node),
            Text(2, "tiny"),
            Field(11, Value("a", length)),
            Field(11, Value("b", length)),
            Field(12, Value("sum", length)));
        return Message(
            Varint(1, 8),                                   // ir_version
            Text(2, "akka-media-fixture"),                  // producer_name
            Field(7, graph),                                // graph
            Field(8, Message(Text(1, string.Empty), Varint(2, 13)))); // opset_import { domain "", version 13 }
    }

    /// <summary>A ValueInfoProto: a float tensor of one dimension.</summary>
    private static byte[] Value(string name, int length)
    {
        var shape = Message(Field(1, Message(Varint(1, length))));  // TensorShapeProto { dim { dim_value } }
        var tensor = Message(Varint(1, Float), Field(2, shape));    // TypeProto.Tensor { elem_type, shape }
        return Message(Text(1, name), Field(2, Message(Field(1, tensor)))); // { name, type { tensor_type } }
    }

    private static byte[] Message(params byte[][] fields) => [.. fields.SelectMany(f => f)];

    private static byte[] Text(int field, string value) => Field(field, Encoding.UTF8.GetBytes(value));

    private static byte[] Field(int field, byte[] payload) => [.. Key(field, 2), .. VarintBytes((ulong)payload.Length), .. payload];

    private static byte[] Varint(int field, long value) => [.. Key(field, 0), .. VarintBytes((ulong)value)];

    private static byte[] Key(int field, int wireType) => VarintBytes((ulong)((field << 3) | wireType));

    private static byte[] VarintBytes(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var next = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? next : (byte)(next | 0x80));
        }
        while (value != 0);
        return [.. bytes];
    }
}

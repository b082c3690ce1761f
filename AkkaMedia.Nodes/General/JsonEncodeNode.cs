using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.General;

/// <summary>
/// Serializes every element to a JSON document with System.Text.Json and emits it as a
/// <see cref="TextFrame"/>, one per element.
/// </summary>
/// <remarks>
/// The frame's sequence and timestamp are those of the element when it is an
/// <see cref="IMediaFrame"/>; otherwise the sequence counts elements from 0 and the timestamp is
/// zero. A serialization error fails the stream naming this node. Nothing is buffered.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class JsonEncodeNode<T> : Node<T, TextFrame>
{
    private readonly JsonSerializerOptions? _options;
    private long _sequence;

    /// <summary>Creates an encoder.</summary>
    /// <param name="options">Serializer options; the System.Text.Json defaults when null.</param>
    public JsonEncodeNode(JsonSerializerOptions? options = null) => _options = options;

    /// <inheritdoc />
    public override string Name => "JsonEncodeNode";

    /// <inheritdoc />
    public override void Process(T input, INodeOutput<TextFrame> output)
    {
        var json = JsonSerializer.Serialize(input, _options);
        var sequence = _sequence++;
        output.Emit(input is IMediaFrame frame
            ? new TextFrame(json, frame.Sequence, frame.Timestamp)
            : new TextFrame(json, sequence));
    }
}

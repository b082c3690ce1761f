using System.Text.Json;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.General;

/// <summary>
/// Deserializes the JSON document in every <see cref="TextFrame"/> to a <typeparamref name="T"/>
/// with System.Text.Json and emits it, one per frame.
/// </summary>
/// <remarks>
/// Text that is not valid JSON for <typeparamref name="T"/> fails the stream; the message names the
/// node, the frame's sequence number and the parser's error with its line and byte position. The
/// document <c>null</c> fails the stream too (streams carry no nulls). Nothing is buffered.
/// </remarks>
/// <typeparam name="T">Element type decoded.</typeparam>
public sealed class JsonDecodeNode<T> : Node<TextFrame, T>
{
    private readonly JsonSerializerOptions? _options;

    /// <summary>Creates a decoder.</summary>
    /// <param name="options">Serializer options; the System.Text.Json defaults when null.</param>
    public JsonDecodeNode(JsonSerializerOptions? options = null) => _options = options;

    /// <inheritdoc />
    public override string Name => "JsonDecodeNode";

    /// <inheritdoc />
    public override void Process(TextFrame input, INodeOutput<T> output)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(input.Text, _options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Text frame #{input.Sequence} is not valid JSON for {typeof(T).Name}: {e.Message}", e);
        }

        output.Emit(value ?? throw new InvalidDataException($"Text frame #{input.Sequence} holds JSON null, which a stream cannot carry."));
    }
}

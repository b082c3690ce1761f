namespace AkkaMedia.Frames;

/// <summary>A piece of text in a stream (a transcript segment, a command, a JSON document).</summary>
/// <param name="Text">The text; never null.</param>
/// <param name="Sequence">Position in the stream.</param>
/// <param name="Timestamp">Media time the text refers to.</param>
public sealed record TextFrame(string Text, long Sequence = 0, TimeSpan Timestamp = default) : IMediaFrame
{
    /// <summary>The text; never null.</summary>
    public string Text { get; init; } = Text ?? throw new ArgumentNullException(nameof(Text));
}

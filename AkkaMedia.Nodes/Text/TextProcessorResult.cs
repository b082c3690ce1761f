using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Text;

/// <summary>What <see cref="TextProcessorNode"/> computed from one <see cref="TextFrame"/>.</summary>
/// <param name="Input">The text received.</param>
/// <param name="Results">One entry per configured operation: its result as text (counts in decimal digits).</param>
/// <param name="Sequence">The sequence number of the frame the text came in.</param>
public sealed record TextProcessorResult(string Input, IReadOnlyDictionary<TextOperation, string> Results, long Sequence);

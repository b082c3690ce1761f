using System.Globalization;
using System.Text;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Text;

/// <summary>
/// Applies a fixed set of <see cref="TextOperation"/>s to the text of every frame and emits one
/// <see cref="TextProcessorResult"/> per frame, in order, holding every operation's result.
/// </summary>
/// <remarks>
/// Case mapping uses the invariant culture, so results do not depend on the machine's locale.
/// Each result is a new dictionary owned by the receiver. Nothing is buffered at end of stream.
/// </remarks>
public sealed class TextProcessorNode : Node<TextFrame, TextProcessorResult>
{
    private readonly TextOperation[] _operations;

    /// <summary>Creates a processor applying <paramref name="operations"/> (duplicates are applied once).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="operations"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No operation is given, or one is not a defined <see cref="TextOperation"/>.</exception>
    public TextProcessorNode(params TextOperation[] operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Length == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(operations), "At least one text operation is needed.");
        }

        foreach (var operation in operations)
        {
            if (!Enum.IsDefined(operation))
            {
                throw new ArgumentOutOfRangeException(nameof(operations), operation, "Unknown text operation.");
            }
        }

        _operations = [.. operations.Distinct()];
    }

    /// <summary>The operations applied to every text, in the order given, without duplicates.</summary>
    public IReadOnlyList<TextOperation> Operations => _operations;

    /// <summary>
    /// Reads an operation name from configuration: the original snake_case names (<c>word_count</c>,
    /// <c>title_case</c>, ...) and the enum names (<c>WordCount</c>), ignoring case, underscores and
    /// hyphens. Numbers are not accepted.
    /// </summary>
    public static bool TryParseOperation(string? name, out TextOperation operation)
    {
        operation = default;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var compact = name.Trim().Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        return compact.Length > 0
            && char.IsLetter(compact[0])
            && Enum.TryParse(compact, ignoreCase: true, out operation)
            && Enum.IsDefined(operation);
    }

    /// <inheritdoc />
    public override void Process(TextFrame input, INodeOutput<TextProcessorResult> output)
    {
        var results = new Dictionary<TextOperation, string>(_operations.Length);
        foreach (var operation in _operations)
        {
            results[operation] = Apply(operation, input.Text);
        }

        output.Emit(new TextProcessorResult(input.Text, results, input.Sequence));
    }

    private static string Apply(TextOperation operation, string text) => operation switch
    {
        TextOperation.Uppercase => text.ToUpperInvariant(),
        TextOperation.Lowercase => text.ToLowerInvariant(),
        TextOperation.Trim => text.Trim(),
        TextOperation.Reverse => Reverse(text),
        TextOperation.WordCount => Words(text).Length.ToString(CultureInfo.InvariantCulture),
        TextOperation.CharCount => CountCodePoints(text).ToString(CultureInfo.InvariantCulture),
        TextOperation.TitleCase => TitleCase(text),
        TextOperation.RemoveSpaces => RemoveWhiteSpace(text),
        TextOperation.FirstWord => Words(text) is [var first, ..] ? first : string.Empty,
        TextOperation.LastWord => Words(text) is [.., var last] ? last : string.Empty,
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown text operation."),
    };

    private static string[] Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static int CountCodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    private static string Reverse(string text)
    {
        var elements = new List<(int Start, int Length)>();
        for (var start = 0; start < text.Length;)
        {
            var length = StringInfo.GetNextTextElementLength(text, start);
            elements.Add((start, length));
            start += length;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            builder.Append(text, elements[i].Start, elements[i].Length);
        }

        return builder.ToString();
    }

    private static string TitleCase(string text)
    {
        var chars = text.ToCharArray();
        var atWordStart = true;
        for (var i = 0; i < chars.Length; i++)
        {
            if (char.IsWhiteSpace(chars[i]))
            {
                atWordStart = true;
                continue;
            }

            chars[i] = atWordStart ? char.ToUpperInvariant(chars[i]) : char.ToLowerInvariant(chars[i]);
            atWordStart = false;
        }

        return new string(chars);
    }

    private static string RemoveWhiteSpace(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

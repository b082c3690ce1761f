using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.IO;

/// <summary>
/// Reads a UTF-8 text file one line at a time and emits each non-blank line as a <see cref="TextFrame"/>
/// (an utterance for text to speech, a command, a prompt).
/// </summary>
/// <remarks>
/// <para>Lines are trimmed; blank lines are skipped. The n-th emitted line (from 0) has sequence n and the
/// timestamp zero: a text file has no media time of its own. The source does not pace itself.</para>
/// <para>The file is opened in <see cref="Initialize"/> (a missing file fails the stream with a
/// <see cref="FileNotFoundException"/> naming it) and closed when the stream stops for any reason.</para>
/// </remarks>
public sealed class TextFileSource : SourceNode<TextFrame>
{
    private StreamReader? _reader;
    private long _next;

    /// <summary>Creates a source reading <paramref name="path"/>; nothing is opened until the stream starts.</summary>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or white space.</exception>
    public TextFileSource(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        if (!File.Exists(Path))
        {
            throw new FileNotFoundException($"Text file '{Path}' does not exist.", Path);
        }

        _reader = new StreamReader(Path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    /// <inheritdoc />
    public override bool Produce(INodeOutput<TextFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        while (_reader!.ReadLine() is { } line)
        {
            var text = line.Trim();
            if (text.Length > 0)
            {
                output.Emit(new TextFrame(text, _next++));
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader?.Dispose();
            _reader = null;
        }
    }
}

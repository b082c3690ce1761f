using System.Text;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.IO;

/// <summary>
/// Writes the events of a stream to a JSON Lines file, one JSON object per line, and passes every element on
/// unchanged, so a pipeline can end here and still count what went through.
/// </summary>
/// <remarks>
/// <para>What is written: an <see cref="IMediaEvent"/> as <see cref="MediaEvents.ToJson"/> renders it
/// (<c>{"type":"speech","start":1.24,"end":2.98}</c>); a <see cref="TextFrame"/> as
/// <c>{"type":"text","text":...,"time":...}</c>. Audio, video and any other element are passed on without a
/// line. With <c>include</c> given, only events whose type is in it are written.</para>
/// <para>The file is created (or overwritten) when the node is initialized, so a stream without events leaves
/// an empty file; a missing folder fails the stream before anything flows. Each line is written as the event
/// arrives and the file is flushed at end of stream; after a failure it holds the lines written until then.</para>
/// </remarks>
public sealed class JsonLinesFileSink : Node<object, object>
{
    private readonly HashSet<string>? _include;
    private StreamWriter? _writer;

    /// <summary>Creates the sink; nothing touches the file system until the node is initialized.</summary>
    /// <param name="path">Path of the file to create or overwrite.</param>
    /// <param name="include">Event types to write (others are passed on without a line); null or empty writes every event.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null, empty or blank.</exception>
    public JsonLinesFileSink(string path, IReadOnlyCollection<string>? include = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _include = include is { Count: > 0 } ? new HashSet<string>(include, StringComparer.Ordinal) : null;
    }

    /// <summary>Path of the file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Cannot write JSON Lines file '{Path}': folder '{folder}' does not exist.");
        }

        _writer = new StreamWriter(Path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
    }

    /// <inheritdoc />
    public override void Process(object input, INodeOutput<object> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var line = input switch
        {
            IMediaEvent e when Included(e.EventType) => MediaEvents.ToJson(e),
            TextFrame t when Included("text") => MediaEvents.ToJson(new TextEvent(t)),
            _ => null,
        };
        if (line is not null)
        {
            _writer!.WriteLine(line);
        }

        output.Emit(input);
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<object> output) => _writer!.Flush();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private bool Included(string type) => _include is null || _include.Contains(type);

    private sealed class TextEvent(TextFrame frame) : IMediaEvent
    {
        public string EventType => "text";

        public void WriteProperties(System.Text.Json.Utf8JsonWriter writer)
        {
            writer.WriteString("text", frame.Text);
            writer.WriteNumber("time", MediaEvents.Seconds(frame.Timestamp));
        }
    }
}

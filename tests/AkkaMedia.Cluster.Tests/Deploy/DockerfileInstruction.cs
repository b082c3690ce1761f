namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>One instruction of a Dockerfile (<c>COPY</c>, <c>RUN</c>, …) with its arguments, continuation lines joined.</summary>
internal sealed record DockerfileInstruction(string Keyword, string Arguments)
{
    /// <summary>The instructions of the Dockerfile at <paramref name="path"/>, in order; comments and blank lines left out.</summary>
    public static IReadOnlyList<DockerfileInstruction> Load(string path)
    {
        var instructions = new List<DockerfileInstruction>();
        var pending = string.Empty;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var text = (pending + line).Trim();
            pending = string.Empty;
            if (text.Length > 0)
            {
                var space = text.IndexOf(' ', StringComparison.Ordinal);
                instructions.Add(space < 0
                    ? new DockerfileInstruction(text.ToUpperInvariant(), string.Empty)
                    : new DockerfileInstruction(text[..space].ToUpperInvariant(), text[(space + 1)..].Trim()));
            }
        }

        return instructions;
    }

    /// <summary>The words of the arguments, options (<c>--from=build</c>) included.</summary>
    public IReadOnlyList<string> Words => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>For <c>COPY</c>: the <c>--from</c> stage, or null when it copies from the build context.</summary>
    public string? CopyFrom => Words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];

    /// <summary>For <c>COPY</c>: the sources and the destination (the words that are not options).</summary>
    public (IReadOnlyList<string> Sources, string Destination) CopyPaths
    {
        get
        {
            var paths = Words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
            return (paths[..^1], paths[^1]);
        }
    }
}

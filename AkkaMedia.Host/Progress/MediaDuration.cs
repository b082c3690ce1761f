using System.Globalization;
using System.Text;
using AkkaMedia.Host.Pipelines;
using NAudio.Wave;

namespace AkkaMedia.Host.Progress;

/// <summary>
/// The media time a pipeline source will produce, when it can be known before the run: the length of a WAV file,
/// the frames of a Y4M file (from its header and size), the duration of a generated source. Null otherwise, or
/// when the file cannot be read (the source reports that itself when the run starts).
/// </summary>
internal static class MediaDuration
{
    public static TimeSpan? Of(PipelineEndpoint source)
    {
        var settings = source.Settings;
        try
        {
            return source.Type.ToLowerInvariant() switch
            {
                "wav-file" => WavFile(settings.GetString("path")),
                "y4m-file" => Y4mFile(settings.GetString("path")),
                "tone" or "speech-like" => settings.GetTimeSpan("duration", TimeSpan.FromSeconds(5)),
                "test-pattern" => TimeSpan.FromSeconds(settings.GetInt("frames", 90) / settings.GetDouble("fps", 30)),
                _ => null,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ArgumentException or InvalidDataException or OverflowException)
        {
            return null;
        }
    }

    private static TimeSpan? WavFile(string path)
    {
        using var reader = new WaveFileReader(path);
        return reader.TotalTime;
    }

    /// <summary>Frames × frame period, reading only the header line: every frame is a <c>FRAME</c> line and its planes.</summary>
    private static TimeSpan? Y4mFile(string path)
    {
        using var file = File.OpenRead(path);
        var header = new List<byte>();
        int b;
        while ((b = file.ReadByte()) is >= 0 and not '\n' && header.Count < 64 * 1024)
        {
            header.Add((byte)b);
        }

        var tokens = Encoding.ASCII.GetString([.. header]).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] != "YUV4MPEG2")
        {
            return null;
        }

        string? Token(char key) => tokens.Skip(1).FirstOrDefault(t => t[0] == key)?[1..];
        var width = int.Parse(Token('W') ?? "0", CultureInfo.InvariantCulture);
        var height = int.Parse(Token('H') ?? "0", CultureInfo.InvariantCulture);
        var rate = (Token('F') ?? string.Empty).Split(':');
        var colour = Token('C') ?? "420";
        if (width <= 0 || height <= 0 || rate.Length != 2)
        {
            return null;
        }

        long planes = colour.StartsWith("mono", StringComparison.Ordinal)
            ? (long)width * height
            : colour.StartsWith("420", StringComparison.Ordinal)
                ? ((long)width * height) + (2L * ((width + 1) / 2) * ((height + 1) / 2))
                : 0;
        var numerator = long.Parse(rate[0], CultureInfo.InvariantCulture);
        var denominator = long.Parse(rate[1], CultureInfo.InvariantCulture);
        if (planes == 0 || numerator <= 0 || denominator <= 0)
        {
            return null;
        }

        var frames = (file.Length - header.Count - 1) / ("FRAME\n".Length + planes);
        return TimeSpan.FromTicks(frames * denominator * TimeSpan.TicksPerSecond / numerator);
    }
}

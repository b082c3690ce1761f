using System.Globalization;
using System.Text;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Video;

namespace AkkaMedia.Nodes.IO;

/// <summary>
/// The stream header of a YUV4MPEG2 file: <c>YUV4MPEG2 W&lt;w&gt; H&lt;h&gt; F&lt;n&gt;:&lt;d&gt; ...</c>
/// ending in a newline. Only the tags that change how frames are read are kept.
/// </summary>
internal sealed class Y4mHeader
{
    public const string Signature = "YUV4MPEG2";

    public static ReadOnlySpan<byte> SignatureBytes => "YUV4MPEG2"u8;

    /// <summary>Longest header or frame-header line accepted; real files use well under 100 bytes.</summary>
    public const int MaxLineLength = 64 * 1024;

    public Y4mHeader(int width, int height, PixelFormat format, int rateNumerator, int rateDenominator)
    {
        Width = width;
        Height = height;
        Format = format;
        RateNumerator = rateNumerator;
        RateDenominator = rateDenominator;
    }

    public int Width { get; }

    public int Height { get; }

    public PixelFormat Format { get; }

    public int RateNumerator { get; }

    public int RateDenominator { get; }

    /// <summary>Bytes of picture data after each <c>FRAME</c> line: the planes without padding.</summary>
    public int FrameLength => Format == PixelFormat.I420
        ? (Width * Height) + (2 * I420Layout.ChromaWidth(Width) * I420Layout.ChromaHeight(Height))
        : Width * Height;

    /// <summary>Media time of frame <paramref name="index"/>: index × denominator / numerator seconds, rounded to a tick.</summary>
    public TimeSpan TimestampOf(long index)
    {
        var numerator = (Int128)index * RateDenominator * TimeSpan.TicksPerSecond;
        return TimeSpan.FromTicks((long)((numerator + (RateNumerator / 2)) / RateNumerator));
    }

    /// <summary>Parses the header line (without its newline); <paramref name="problem"/> says what is wrong when it returns null.</summary>
    public static Y4mHeader? Parse(ReadOnlySpan<byte> line, out string? problem)
    {
        problem = null;
        var text = Encoding.ASCII.GetString(line);
        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || tokens[0] != Signature)
        {
            problem = $"it does not start with the {Signature} signature";
            return null;
        }

        int? width = null, height = null;
        int numerator = 0, denominator = 0;
        var colourspace = "420jpeg";
        foreach (var token in tokens.AsSpan(1))
        {
            var value = token.AsSpan(1);
            switch (token[0])
            {
                case 'W':
                    width = ParseDimension(value);
                    if (width is null)
                    {
                        problem = $"the width tag '{token}' is not a positive whole number";
                        return null;
                    }

                    break;
                case 'H':
                    height = ParseDimension(value);
                    if (height is null)
                    {
                        problem = $"the height tag '{token}' is not a positive whole number";
                        return null;
                    }

                    break;
                case 'F':
                    if (!TryParseRatio(value, out numerator, out denominator))
                    {
                        problem = $"the frame rate tag '{token}' is not of the form F<numerator>:<denominator>";
                        return null;
                    }

                    break;
                case 'C':
                    colourspace = value.ToString();
                    break;
                default:
                    // I (interlacing), A (aspect), X (comments) and unknown tags do not change the bytes.
                    break;
            }
        }

        if (width is null || height is null)
        {
            problem = "the header has no " + (width is null ? "W (width)" : "H (height)") + " tag";
            return null;
        }

        PixelFormat format;
        switch (colourspace)
        {
            case "420jpeg" or "420paldv" or "420mpeg2" or "420":
                format = PixelFormat.I420;
                break;
            case "mono":
                format = PixelFormat.Gray8;
                break;
            default:
                problem = $"colour space C{colourspace} is not supported (only C420, C420jpeg, C420paldv, C420mpeg2 and Cmono are)";
                return null;
        }

        if (numerator <= 0 || denominator <= 0)
        {
            // An absent or unknown (F0:0) rate: 25 fps, the customary default of Y4M readers.
            numerator = 25;
            denominator = 1;
        }

        var header = new Y4mHeader(width.Value, height.Value, format, numerator, denominator);
        if ((long)header.Width * header.Height > int.MaxValue / 2)
        {
            problem = $"a {header.Width}x{header.Height} picture is too large";
            return null;
        }

        return header;
    }

    /// <summary>The header line including its newline, as the sink writes it.</summary>
    public byte[] ToBytes()
    {
        var colourspace = Format == PixelFormat.Gray8 ? "mono" : "420jpeg";
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{Signature} W{Width} H{Height} F{RateNumerator}:{RateDenominator} Ip A1:1 C{colourspace}\n"));
    }

    /// <summary>
    /// The ratio that best names <paramref name="framesPerSecond"/>: an NTSC rate (24000:1001,
    /// 30000:1001, ...) or a whole number when within 0.01 %, otherwise thousandths reduced.
    /// </summary>
    public static (int Numerator, int Denominator) RatioOf(double framesPerSecond)
    {
        const double Tolerance = 1e-4;
        foreach (var nominal in (ReadOnlySpan<int>)[24, 30, 48, 60, 120, 240])
        {
            var ntsc = nominal * 1000.0 / 1001.0;
            if (Math.Abs(framesPerSecond - ntsc) <= ntsc * Tolerance)
            {
                return (nominal * 1000, 1001);
            }
        }

        var whole = Math.Round(framesPerSecond);
        if (whole >= 1 && whole <= int.MaxValue && Math.Abs(framesPerSecond - whole) <= framesPerSecond * Tolerance)
        {
            return ((int)whole, 1);
        }

        var thousandths = (long)Math.Round(framesPerSecond * 1000);
        long denominator = 1000;
        var divisor = (long)System.Numerics.BigInteger.GreatestCommonDivisor(thousandths, denominator);
        if (divisor > 1)
        {
            thousandths /= divisor;
            denominator /= divisor;
        }

        return ((int)Math.Clamp(thousandths, 1, int.MaxValue), (int)denominator);
    }

    private static int? ParseDimension(ReadOnlySpan<char> value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    private static bool TryParseRatio(ReadOnlySpan<char> value, out int numerator, out int denominator)
    {
        numerator = denominator = 0;
        var colon = value.IndexOf(':');
        return colon > 0
            && int.TryParse(value[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out numerator)
            && int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out denominator);
    }
}

using System.Globalization;

namespace AkkaMedia.Host.Progress;

/// <summary>The words both progress displays use for a <see cref="RunSnapshot"/>.</summary>
internal static class RunProgressText
{
    /// <summary>
    /// The short form a live bar shows beside itself, to fit an 80-column terminal:
    /// <c>1234 frames · 2.40 s / 10.00 s · real-time factor 0.012</c>, unknown parts left out as in <see cref="Media"/>.
    /// </summary>
    public static string Short(RunSnapshot snapshot, TimeSpan? total)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Create(c, $"{snapshot.Elements} frames");
        if (snapshot.Media > TimeSpan.Zero || total is not null)
        {
            text += string.Create(c, $" · {snapshot.Media.TotalSeconds:0.00} s");
            text += total is { } t ? string.Create(c, $" / {t.TotalSeconds:0.00} s") : string.Empty;
        }

        if (snapshot.RealTimeFactor is { } rtf)
        {
            text += string.Create(c, $" · real-time factor {rtf:0.000}");
        }

        return text;
    }

    /// <summary>
    /// <c>, 2.400 s of 10.000 s media, real-time factor 0.0123</c>; the total is left out when unknown, the factor
    /// before any media went through, and everything when neither media time nor total is known.
    /// </summary>
    public static string Media(RunSnapshot snapshot, TimeSpan? total)
    {
        var c = CultureInfo.InvariantCulture;
        var text = string.Empty;
        if (snapshot.Media > TimeSpan.Zero || total is not null)
        {
            text += string.Create(c, $", {snapshot.Media.TotalSeconds:0.000} s");
            text += total is { } t ? string.Create(c, $" of {t.TotalSeconds:0.000} s media") : " of media";
        }

        if (snapshot.RealTimeFactor is { } rtf)
        {
            text += string.Create(c, $", real-time factor {rtf:0.0000}");
        }

        return text;
    }
}

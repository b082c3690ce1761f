using System.Text.RegularExpressions;

namespace AkkaMedia.Speech.Tests;

/// <summary>Word error rate: word-level edit distance over the reference's length, after lower-casing and dropping punctuation.</summary>
internal static partial class WordErrorRate
{
    public static (int Errors, int Words) Of(string reference, string hypothesis)
    {
        var r = Words(reference);
        var h = Words(hypothesis);
        var d = new int[r.Length + 1, h.Length + 1];
        for (var i = 0; i <= r.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= h.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= r.Length; i++)
        {
            for (var j = 1; j <= h.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1));
            }
        }

        return (d[r.Length, h.Length], r.Length);
    }

    private static string[] Words(string text) =>
        NotWord().Replace(text.ToLowerInvariant(), " ").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('\'')).Where(w => w.Length > 0).ToArray();

    [GeneratedRegex("[^a-z0-9' ]+")]
    private static partial Regex NotWord();
}

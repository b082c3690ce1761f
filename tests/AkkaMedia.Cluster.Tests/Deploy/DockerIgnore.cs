using System.Text;
using System.Text.RegularExpressions;

namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// The patterns of a <c>.dockerignore</c> file, matched as Docker matches them: against paths relative to the build
/// context, <c>*</c> and <c>?</c> within one path segment, <c>**</c> across segments, a pattern that matches a folder
/// excludes everything below it, and the last matching pattern wins (<c>!pattern</c> includes again).
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Excludes)> _rules;

    private DockerIgnore(List<(Regex Pattern, bool Excludes)> rules) => _rules = rules;

    /// <summary>The rules of the file at <paramref name="path"/>.</summary>
    public static DockerIgnore Load(string path) =>
        new(File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.StartsWith('!') ? (Glob(l[1..]), false) : (Glob(l), true))
            .ToList());

    /// <summary>Whether the file or folder at <paramref name="relativePath"/> (forward slashes) stays out of the context.</summary>
    public bool Excludes(string relativePath)
    {
        var segments = relativePath.Trim('/').Split('/');
        var excluded = false;
        foreach (var (pattern, excludes) in _rules)
        {
            // The path itself or any folder above it.
            for (var n = 1; n <= segments.Length; n++)
            {
                if (pattern.IsMatch(string.Join('/', segments[..n])))
                {
                    excluded = excludes;
                    break;
                }
            }
        }

        return excluded;
    }

    private static Regex Glob(string pattern)
    {
        var glob = pattern.Trim('/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            if (glob[i] == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(glob[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}

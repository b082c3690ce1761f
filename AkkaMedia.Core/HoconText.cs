using Akka.Configuration;

namespace AkkaMedia;

/// <summary>
/// Parses HOCON from users and from the network safely. Akka's HOCON parser hangs on some malformed
/// input (an unterminated array) and silently accepts others (a key with no value), so text is first
/// checked for balanced braces and brackets, closed strings and present values; problems are reported
/// with the origin, line and key.
/// </summary>
public static class HoconText
{
    /// <summary>Checks <paramref name="text"/> and parses it.</summary>
    /// <param name="text">HOCON text; empty is an empty configuration.</param>
    /// <param name="origin">Where the text came from (a file path, "settings of node Echo"), used in messages.</param>
    /// <exception cref="FormatException">The text is malformed; the message names the origin, the line and, where known, the key.</exception>
    public static Config Parse(string text, string origin)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Config.Empty;
        }

        Validate(text, origin);
        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e)
        {
            throw new FormatException($"{origin}: not valid HOCON: {e.Message}", e);
        }
    }

    /// <summary>Checks the structure of <paramref name="text"/> without parsing it.</summary>
    /// <exception cref="FormatException">The text is malformed; see <see cref="Parse"/>.</exception>
    public static void Validate(string text, string origin)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        var key = new System.Text.StringBuilder();
        var inValue = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    inValue = false;
                    key.Clear();
                    continue;
                case '#':
                    i = SkipToEndOfLine(text, i) - 1;
                    continue;
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    i = SkipToEndOfLine(text, i) - 1;
                    continue;
                case '"':
                    i = SkipString(text, i, ref line, origin);
                    if (!inValue)
                    {
                        key.Append("\"…\"");
                    }

                    continue;
                case '{' or '[':
                    open.Push((c, line));
                    inValue = false;
                    key.Clear();
                    continue;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected)
                    {
                        throw new FormatException(open.Count == 0
                            ? $"{origin}, line {line}: '{c}' closes nothing."
                            : $"{origin}, line {line}: '{c}' does not match the '{open.Peek().Bracket}' opened on line {open.Peek().Line}.");
                    }

                    open.Pop();
                    inValue = true;
                    key.Clear();
                    continue;
                case ',':
                    inValue = false;
                    key.Clear();
                    continue;
                case '=' or ':' when !inValue && !(open.Count > 0 && open.Peek().Bracket == '['):
                    var name = key.ToString().Trim();
                    if (name.Length == 0)
                    {
                        throw new FormatException($"{origin}, line {line}: '{c}' without a key before it.");
                    }

                    var next = NextSignificant(text, i + 1);
                    if (next is '\n' or '}' or ']' or ',' or '\0' or '#')
                    {
                        throw new FormatException($"{origin}, line {line}: key '{name}' has no value.");
                    }

                    inValue = true;
                    continue;
                default:
                    if (!inValue && !char.IsWhiteSpace(c))
                    {
                        key.Append(c);
                    }

                    continue;
            }
        }

        if (open.Count > 0)
        {
            var (bracket, at) = open.Peek();
            throw new FormatException($"{origin}, line {at}: '{bracket}' is never closed.");
        }
    }

    private static int SkipToEndOfLine(string text, int i)
    {
        var end = text.IndexOf('\n', i);
        return end < 0 ? text.Length : end;
    }

    private static char NextSignificant(string text, int i)
    {
        for (; i < text.Length; i++)
        {
            if (text[i] is not (' ' or '\t' or '\r'))
            {
                return text[i] == '/' && i + 1 < text.Length && text[i + 1] == '/' ? '#' : text[i];
            }
        }

        return '\0';
    }

    private static int SkipString(string text, int start, ref int line, string origin)
    {
        var startLine = line;
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (end < 0)
            {
                throw new FormatException($"{origin}, line {startLine}: a \"\"\" string is never closed.");
            }

            line += text.AsSpan(start, end - start).Count('\n');
            return end + 2;
        }

        for (var i = start + 1; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return i;
                case '\n':
                    throw new FormatException($"{origin}, line {startLine}: a string is not closed before the end of the line.");
            }
        }

        throw new FormatException($"{origin}, line {startLine}: a string is never closed.");
    }
}

using Akka.Configuration;

namespace AkkaMedia;

/// <summary>
/// Parses HOCON from users and from the network safely. Akka's HOCON parser hangs on some malformed
/// input (an unterminated array, a separator among an array's values, an '=' after a substitution, a key without a value in an object
/// in an array) and silently accepts others (a key with no value), so text is first
/// checked for balanced braces and brackets, closed strings and present values; problems are reported
/// with the origin, line and key. What the checks do not know can still hang Akka's parser, so
/// <see cref="Parse(string, string)"/> runs it on a thread of its own and gives up on it after <see cref="ParseTimeout"/>.
/// </summary>
public static class HoconText
{
    /// <summary>How many parser threads that ran past <see cref="ParseTimeout"/> may still run before <see cref="Parse(string, string)"/> refuses to start more.</summary>
    internal const int MaxAbandonedParses = 4;

    private static int _abandoned;

    private static readonly System.Buffers.SearchValues<char> PathCharacters =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>
    /// How long <see cref="Parse(string, string)"/> lets Akka's parser run: 2 s, thousands of times what a configuration takes. Past it
    /// the text is refused and the parser's thread is abandoned (a .NET thread cannot be stopped): it runs on, a
    /// background thread, until it finishes or the process ends.
    /// </summary>
    public static TimeSpan ParseTimeout { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Parser threads abandoned by <see cref="Parse(string, string)"/> that have not finished yet.</summary>
    internal static int AbandonedParses => Volatile.Read(ref _abandoned);

    /// <summary>
    /// Checks <paramref name="text"/> and parses it. The parse runs on a thread of its own, which the caller waits for at
    /// most <see cref="ParseTimeout"/>; the caller's thread is blocked meanwhile. Thread-safe.
    /// </summary>
    /// <param name="text">HOCON text; empty is an empty configuration.</param>
    /// <param name="origin">Where the text came from (a file path, "settings of node Echo"), used in messages.</param>
    /// <exception cref="FormatException">
    /// The text is malformed; the message names the origin, the line and, where known, the key. Also when Akka's parser
    /// did not finish within <see cref="ParseTimeout"/> (its thread is abandoned), and, while
    /// <see cref="MaxAbandonedParses"/> such threads still run, for every text: the process should be restarted.
    /// </exception>
    public static Config Parse(string text, string origin) => Parse(text, origin, ParseTimeout, ConfigurationFactory.ParseString, MaxAbandonedParses);

    /// <summary><see cref="Parse(string, string)"/> with its time bound, parser and most abandoned threads given: a test seam.</summary>
    internal static Config Parse(string text, string origin, TimeSpan timeout, Func<string, Config> parser, int maxAbandoned)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Config.Empty;
        }

        Validate(text, origin);
        if (AbandonedParses >= maxAbandoned)
        {
            throw new FormatException(
                $"{origin}: not parsed: {AbandonedParses} earlier HOCON texts never finished parsing within {timeout.TotalSeconds:0.###} s and their " +
                "threads still run (Akka's parser loops forever on some malformed text). Restart the process; the errors before this one name the texts.");
        }

        var parsing = new Parsing(text, parser);
        new Thread(parsing.Run) { IsBackground = true, Name = "HoconText.Parse" }.Start();
        if (!parsing.Finished.Wait(timeout) && parsing.Abandon())
        {
            throw new FormatException(
                $"{origin}: Akka's HOCON parser did not finish within {timeout.TotalSeconds:0.###} s (it loops forever on some malformed text); " +
                "the text is refused and the parser's thread abandoned. Quote values that hold any of = : $ { } [ ] , # and check that every " +
                "'key = value' stands on its own line or after a comma.");
        }

        var (config, error) = parsing.Outcome;
        return error is null ? config! : throw new FormatException($"{origin}: not valid HOCON: {error.Message}", error);
    }

    /// <summary>Checks the structure of <paramref name="text"/> without parsing it (so without a time bound: it reads each character once).</summary>
    /// <exception cref="FormatException">The text is malformed; see <see cref="Parse(string, string)"/>.</exception>
    public static void Validate(string text, string origin)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        var key = new System.Text.StringBuilder();
        var inValue = false;

        // Whether the current value holds a substitution: Akka's parser can loop forever on an '=' or ':' after one
        // ({a{t=[{y=${a} = 1}]\na=1}}), where without the substitution it reports the character.
        var substituted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n' when !inValue && key.Length > 0 && (open.Count == 0 || open.Peek().Bracket == '{'):
                    throw new FormatException($"{origin}, line {line}: key '{key}' has no value; write 'key = value' or 'key {{ … }}' on one line.");
                case '\n':
                    line++;
                    inValue = false;
                    substituted = false;
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
                case '$' when i + 1 < text.Length && text[i + 1] == '{':
                    i = SkipSubstitution(text, i, line, origin);
                    substituted |= inValue;
                    continue;
                case '{' when !inValue && key.Length == 0 && open.Count > 0 && open.Peek().Bracket == '{':
                    // Akka's parser can loop forever on an object with no key inside an object ([{ a = b\n{ c = 1 } }]).
                    throw new FormatException($"{origin}, line {line}: '{{' without a key before it.");
                case '{' or '[':
                    open.Push((c, line));
                    inValue = false;
                    substituted = false;
                    key.Clear();
                    continue;
                case '}' or ',' when !inValue && key.Length > 0 && (open.Count == 0 || open.Peek().Bracket == '{'):
                    // Akka's parser can loop forever on a key without a value in an object inside an array ({a{t=[{x}]\nk=1}}).
                    throw new FormatException($"{origin}, line {line}: key '{key}' has no value; write 'key = value' or 'key {{ … }}'.");
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected)
                    {
                        throw new FormatException(open.Count == 0
                            ? $"{origin}, line {line}: '{c}' closes nothing."
                            : $"{origin}, line {line}: '{c}' does not match the '{open.Peek().Bracket}' opened on line {open.Peek().Line}.");
                    }

                    open.Pop();
                    var after = NextSignificant(text, i + 1);
                    if (after is not ('\0' or '\n' or ',' or '}' or ']' or '{' or '[' or '#' or '/'))
                    {
                        // Akka's parser can loop forever on text glued to a closed array or object ([1]x = 2).
                        throw new FormatException($"{origin}, line {line}: unexpected '{after}' after '{c}'; put a comma or a new line between entries.");
                    }

                    inValue = true;
                    substituted = false;
                    key.Clear();
                    continue;
                case ',':
                    inValue = false;
                    substituted = false;
                    key.Clear();
                    continue;
                case '=' or ':' when inValue && substituted:
                    throw new FormatException(
                        $"{origin}, line {line}: '{c}' in a value after a substitution; quote the text that holds it, " +
                        "or end the value (a new line or a comma) before the next key.");
                case '=' or '*' or '?' or '!' or '^' or '@' or '&' or '`' or '\\' or ':' or '$' when open.Count > 0 && open.Peek().Bracket == '['
                    && !(c == ':' && key.Length > 0) && !(c == '$' && i + 1 < text.Length && text[i + 1] == '{'):
                    // Akka's parser loops forever on these among an array's values outside quotes ([ = 1 ], [1 = 2], [x*y],
                    // [{a = 1} ?], [$], [1, : 2]): HOCON forbids them in unquoted text.
                    throw new FormatException($"{origin}, line {line}: '{c}' among the values of an array; quote a value that holds it (a 'key = value' belongs in {{ }}).");
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
                case 'i' when IsInclude(text, i):
                    // Akka's parser fails with a NullReferenceException on an include it has no callback for.
                    throw new FormatException($"{origin}, line {line}: 'include' is not supported here; write the settings in place.");
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

        if (!inValue && key.Length > 0)
        {
            // Akka's parser can loop forever on a key that ends the text (\fwav-file).
            throw new FormatException($"{origin}, line {line}: key '{key}' has no value; write 'key = value' or 'key {{ … }}'.");
        }
    }

    /// <summary>
    /// Checks the substitution <c>${path}</c> or <c>${?path}</c> at <paramref name="start"/> and returns the index of its
    /// closing brace. Akka's parser loops forever on some paths (<c>[${@}]</c>), so a path is plain: letters, digits,
    /// '-', '_' and '.'.
    /// </summary>
    private static int SkipSubstitution(string text, int start, int line, string origin)
    {
        var end = text.IndexOf('}', start + 2);
        var newline = text.IndexOf('\n', start + 2);
        if (end < 0 || (newline >= 0 && newline < end))
        {
            throw new FormatException($"{origin}, line {line}: a substitution '${{' is not closed on its line.");
        }

        var path = text.AsSpan(start + 2, end - start - 2).Trim();
        if (path.StartsWith('?'))
        {
            path = path[1..];
        }

        if (path.IsEmpty || path.ContainsAnyExcept(PathCharacters))
        {
            throw new FormatException($"{origin}, line {line}: '${{{text[(start + 2)..end]}}}' is not a substitution of a path (letters, digits, '-', '_' and '.').");
        }

        return end;
    }

    /// <summary>Whether an <c>include</c> directive starts at <paramref name="i"/>: the word, then a quoted name or file(, url(, classpath(, required(.</summary>
    private static bool IsInclude(string text, int i)
    {
        const string Word = "include";
        if ((i > 0 && (char.IsLetterOrDigit(text[i - 1]) || text[i - 1] is '-' or '_'))
            || string.CompareOrdinal(text, i, Word, 0, Word.Length) != 0 || i + Word.Length >= text.Length || !char.IsWhiteSpace(text[i + Word.Length]))
        {
            return false;
        }

        var next = i + Word.Length;
        while (next < text.Length && char.IsWhiteSpace(text[next]))
        {
            next++;
        }

        return next < text.Length && (text[next] == '"' || char.IsLetter(text[next]));
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

    /// <summary>One parse on its own thread: the caller waits for <see cref="Finished"/> or abandons it; whichever comes second counts.</summary>
    private sealed class Parsing(string text, Func<string, Config> parser)
    {
        private const int Running = 0;
        private const int Done = 1;
        private const int Abandoned = 2;
        private int _state;

        /// <summary>Set once the parse has finished (never disposed: an abandoned parse may set it after its caller has gone).</summary>
        public ManualResetEventSlim Finished { get; } = new();

        /// <summary>The configuration or the parser's exception; read after <see cref="Finished"/>.</summary>
        public (Config? Config, Exception? Error) Outcome { get; private set; }

        public void Run()
        {
            try
            {
                Outcome = (parser(text), null);
            }
            catch (Exception e)
            {
                Outcome = (null, e);
            }

            if (Interlocked.Exchange(ref _state, Done) == Abandoned)
            {
                Interlocked.Decrement(ref _abandoned);
            }

            Finished.Set();
        }

        /// <summary>Gives up on the parse, counted as abandoned; false when it finished meanwhile (its outcome then counts).</summary>
        public bool Abandon()
        {
            Interlocked.Increment(ref _abandoned);
            if (Interlocked.CompareExchange(ref _state, Abandoned, Running) == Running)
            {
                return true;
            }

            Interlocked.Decrement(ref _abandoned);
            return false;
        }
    }
}

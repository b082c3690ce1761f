using System.Text;

namespace AkkaMedia.Host.Admin;

/// <summary>
/// The interactive <c>akkamedia cmd</c> prompt: reads commands, runs each on the admin server, prints the answer.
/// In a terminal it edits the line itself (up/down arrows for history, Tab completes palette and command names);
/// with redirected input it reads plain lines. Built-ins: <c>help</c>, <c>history</c>, <c>exit</c>.
/// </summary>
internal static class AdminPrompt
{
    private static readonly string[] BuiltIns = ["help", "history", "exit"];

    /// <summary>
    /// Runs the prompt until <c>exit</c>, end of input or cancellation. Returns 0, or 1 when the last command failed
    /// and input was not a terminal (so scripts piping commands see failures).
    /// </summary>
    public static async Task<int> RunAsync(string host, int port, string? token, TextReader input, bool terminal, TextWriter stdout, TextWriter stderr, CancellationToken cancellation, AkkaMedia.Security.TlsSettings? tls = null)
    {
        var history = new List<string>();
        var prompt = $"akkamedia {host}:{port}> ";
        var last = 0;
        if (terminal)
        {
            await stdout.WriteLineAsync($"Connected to the admin server at {host}:{port}. Type help for the commands, Tab to complete, exit to leave.").ConfigureAwait(false);
        }

        while (!cancellation.IsCancellationRequested)
        {
            string? line;
            if (terminal)
            {
                line = ReadLine(prompt, history, stdout);
            }
            else
            {
                line = await input.ReadLineAsync(cancellation).ConfigureAwait(false);
            }

            if (line is null)
            {
                return terminal ? 0 : last;
            }

            var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (words.Length == 0)
            {
                continue;
            }

            history.Add(line.Trim());
            switch (words[0])
            {
                case "exit" or "quit":
                    return terminal ? 0 : last;
                case "help" or "?":
                    await stdout.WriteLineAsync(AdminCatalog.Help() + "\nhelp | history | exit  (this prompt)").ConfigureAwait(false);
                    last = 0;
                    break;
                case "history":
                    for (var i = 0; i < history.Count; i++)
                    {
                        await stdout.WriteLineAsync($"{i + 1,4}  {history[i]}").ConfigureAwait(false);
                    }

                    last = 0;
                    break;
                default:
                    last = await AdminClient.RunAsync(host, port, token, words, stdout, stderr, cancellation, tls).ConfigureAwait(false);
                    break;
            }
        }

        return last;
    }

    /// <summary>The names that complete <paramref name="line"/> (its last word), given what precedes it.</summary>
    internal static IReadOnlyList<string> Complete(string line)
    {
        var words = line.Split(' ');
        var word = words[^1];
        IEnumerable<string> candidates = words.Length switch
        {
            1 => AdminCatalog.Palettes.Concat(BuiltIns),
            2 => AdminCatalog.CommandsOf(words[0]),
            _ => [],
        };
        return candidates.Where(c => c.StartsWith(word, StringComparison.Ordinal)).ToList();
    }

    private static string? ReadLine(string prompt, List<string> history, TextWriter stdout)
    {
        var buffer = new StringBuilder();
        var index = history.Count;
        stdout.Write(prompt);
        stdout.Flush();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    stdout.WriteLine();
                    return buffer.ToString();
                case ConsoleKey.Backspace:
                    if (buffer.Length > 0)
                    {
                        buffer.Length--;
                    }

                    break;
                case ConsoleKey.UpArrow when index > 0:
                    buffer.Clear().Append(history[--index]);
                    break;
                case ConsoleKey.DownArrow when index < history.Count:
                    index++;
                    buffer.Clear().Append(index < history.Count ? history[index] : string.Empty);
                    break;
                case ConsoleKey.Tab:
                    var text = buffer.ToString();
                    var matches = Complete(text);
                    var word = text.Split(' ')[^1];
                    if (matches.Count == 1)
                    {
                        buffer.Append(matches[0].AsSpan(word.Length)).Append(' ');
                    }
                    else if (matches.Count > 1)
                    {
                        stdout.WriteLine();
                        stdout.WriteLine(string.Join("  ", matches));
                        var common = matches.Aggregate((a, b) => a[..a.Zip(b).TakeWhile(p => p.First == p.Second).Count()]);
                        buffer.Append(common.AsSpan(word.Length));
                    }

                    break;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control) && buffer.Length == 0:
                    stdout.WriteLine();
                    return null;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        buffer.Append(key.KeyChar);
                    }

                    break;
            }

            stdout.Write($"\r{prompt}{buffer}\u001b[K");
            stdout.Flush();
        }
    }
}

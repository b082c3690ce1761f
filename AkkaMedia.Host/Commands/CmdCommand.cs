using System.CommandLine;
using System.CommandLine.Parsing;
using AkkaMedia.Host.Admin;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia cmd [--host H] [--port P] [--token T] [--tls F.pfx --tls-ca CA.crt] palette command [args]</c>: runs one
/// admin command on a node's admin server and prints the answer (exit 0; 1 with a one-line message on standard error when
/// it fails; 2 when the TLS flags name no usable certificate).
/// Without a command it opens an interactive prompt.
/// </summary>
internal static class CmdCommand
{
    public static Command Create()
    {
        var host = new Option<string>("--host") { Description = "The node's admin address.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "The node's admin port (its --admin-port).", DefaultValueFactory = _ => 9110 };
        var token = new Option<string?>("--token") { Description = "The node's akka-media.admin.token, when it has one." };
        var words = new Argument<string[]>("command")
        {
            Description = "palette command [args], e.g. 'cluster show', 'media sessions', 'actor hierarchy --depth 2'. None: interactive prompt.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                r.AddError("--port must be between 1 and 65535.");
            }
        });
        var command = new Command("cmd", "Run an admin command on a node (cluster, actor, log, media palettes), or open an interactive prompt.\n\n" + AdminCatalog.Help())
        {
            host, port, token, words,
        };
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var args = CommandWords(parse, [host, port, token, .. tls.All]);
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var h = parse.GetValue(host)!;
            var p = parse.GetValue(port);
            var t = parse.GetValue(token);
            AkkaMedia.Security.TlsSettings settings;
            try
            {
                settings = tls.Settings(parse);
            }
            catch (ArgumentException e)
            {
                await stderr.WriteLineAsync($"cmd: {e.Message}");
                return 2;
            }

            return args.Count == 0
                ? await AdminPrompt.RunAsync(h, p, t, Console.In, !Console.IsInputRedirected, stdout, stderr, cancellationToken, settings)
                : await AdminClient.RunAsync(h, p, t, args, stdout, stderr, cancellationToken, settings);
        });
        return command;
    }

    /// <summary>The words after <c>cmd</c> that are not its own options, in order (so <c>--depth 2</c> reaches the server).</summary>
    private static List<string> CommandWords(ParseResult parse, Option[] own)
    {
        var names = own.SelectMany(o => o.Aliases.Prepend(o.Name)).ToHashSet(StringComparer.Ordinal);
        var words = new List<string>();
        var tokens = parse.Tokens;
        var start = tokens.ToList().FindIndex(t => t.Type == TokenType.Command && t.Value == "cmd") + 1;
        for (var i = start; i < tokens.Count; i++)
        {
            var value = tokens[i].Value;
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (names.Contains(value))
            {
                i++;
            }
            else if (eq > 0 && names.Contains(value[..eq]))
            {
                continue;
            }
            else if (tokens[i].Type != TokenType.DoubleDash)
            {
                words.Add(value);
            }
        }

        return words;
    }
}

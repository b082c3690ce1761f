using System.Text;

namespace AkkaMedia.Host.Admin;

/// <summary>
/// The admin server's line protocol over TCP, UTF-8, lines ending in <c>\n</c>. The client sends one request
/// line, <c>token TAB palette TAB command TAB arg …</c> (an empty token when none is configured). The server
/// answers with output lines, each starting with <see cref="OutputPrefix"/>, and ends with one status line:
/// <see cref="Ok"/>, or <see cref="ErrorPrefix"/> followed by the message. Streaming commands (<c>tail</c>) send
/// output lines until the client closes the connection; they end with a status line only when they fail.
/// </summary>
internal static class AdminProtocol
{
    /// <summary>Longest request line the server reads, in bytes; a longer one drops the connection.</summary>
    public const int MaxRequestBytes = 8192;

    /// <summary>Starts every output line.</summary>
    public const char OutputPrefix = '|';

    /// <summary>Status line of a command that succeeded.</summary>
    public const string Ok = "=ok";

    /// <summary>Starts the status line of a command that failed; the message follows.</summary>
    public const string ErrorPrefix = "=error ";

    /// <summary>The request line for <paramref name="args"/> (palette, command, arguments), without its newline.</summary>
    /// <exception cref="ArgumentException">An argument holds a tab or a line break, which the protocol cannot carry.</exception>
    public static string Request(string token, IReadOnlyList<string> args)
    {
        foreach (var arg in args.Prepend(token))
        {
            if (arg.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
            {
                throw new ArgumentException("Admin command arguments cannot contain tabs or line breaks.", nameof(args));
            }
        }

        return string.Join('\t', args.Prepend(token));
    }

    /// <summary>The UTF-8 encoding both ends use, without a byte-order mark.</summary>
    public static Encoding Encoding { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
}

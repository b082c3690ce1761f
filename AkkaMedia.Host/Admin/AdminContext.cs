using Akka.Actor;

namespace AkkaMedia.Host.Admin;

/// <summary>
/// One admin request being served: the node's actor system, the command's own arguments (after palette and
/// command), where its output lines go, and a token cancelled when the client disconnects or the server stops.
/// </summary>
internal sealed class AdminContext(ActorSystem system, AdminSettings settings, IReadOnlyList<string> args, Func<string, Task> writeLine, CancellationToken cancellation)
{
    public ActorSystem System { get; } = system;

    public AdminSettings Settings { get; } = settings;

    /// <summary>The arguments after palette and command.</summary>
    public IReadOnlyList<string> Args { get; } = args;

    /// <summary>Cancelled when the client has gone or the server stops; streaming commands end with it.</summary>
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Sends one output line (line breaks inside split it into several).</summary>
    public async Task WriteAsync(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            await writeLine(line.TrimEnd('\r')).ConfigureAwait(false);
        }
    }

    /// <summary>The single argument at <paramref name="index"/>.</summary>
    /// <exception cref="AdminCommandException">It is missing; the message shows <paramref name="usage"/>.</exception>
    public string Arg(int index, string usage) =>
        index < Args.Count && !string.IsNullOrWhiteSpace(Args[index]) ? Args[index] : throw new AdminCommandException($"Missing argument. Usage: {usage}");
}

using System.Text;

namespace AkkaMedia.Host.Admin;

/// <summary>
/// Every admin palette and command with its usage: what the server dispatches, what unknown-command errors list,
/// and what the interactive prompt completes.
/// </summary>
internal static class AdminCatalog
{
    /// <summary>All commands, grouped by palette in display order.</summary>
    public static IReadOnlyList<AdminCommandInfo> Commands { get; } =
    [
        new("cluster", "show", "cluster show", "members with status, roles, reachability; marks the leader and this node"),
        new("cluster", "leader", "cluster leader", "the current leader's address"),
        new("cluster", "leave", "cluster leave <address>", "asks a member to leave gracefully (host:port or akka.tcp://media@host:port)"),
        new("cluster", "down", "cluster down <address>", "marks a member down (it is removed without a handshake)"),
        new("cluster", "down-unreachable", "cluster down-unreachable", "downs every member this node sees as unreachable"),
        new("cluster", "tail", "cluster tail", "streams membership and reachability events until Ctrl-C"),
        new("actor", "hierarchy", "actor hierarchy [--depth N]", "the actor tree of this node, N levels deep (default 4)"),
        new("log", "level", "log level [debug|info|warning|error]", "shows or sets this node's log level"),
        new("log", "tail", "log tail", "streams this node's log events at its current level until Ctrl-C"),
        new("media", "nodes", "media nodes", "built-in node types with input, output and settings"),
        new("media", "executors", "media executors", "each executor of the cluster with its sessions, capacity and whether it accepts"),
        new("media", "sessions", "media sessions", "sessions this node's executor runs: id, node type, transport, frames in/out, age, client"),
        new("media", "packages", "media packages", "code packages cached by this node's executor: name, version, hash, size, last use, leases"),
        new("media", "state", "media state [<key>]", "session state kept by this node's nodes: each key with values, bytes, idle time and expiry; with a key, its values"),
        new("media", "kill", "media kill <session-id>", "stops a session; its client's stream fails saying an operator killed it"),
    ];

    /// <summary>Palette names in display order.</summary>
    public static IReadOnlyList<string> Palettes { get; } = Commands.Select(c => c.Palette).Distinct().ToList();

    /// <summary>The command names of <paramref name="palette"/>, empty when it does not exist.</summary>
    public static IReadOnlyList<string> CommandsOf(string palette) =>
        Commands.Where(c => c.Palette == palette).Select(c => c.Name).ToList();

    /// <summary>Finds a command.</summary>
    /// <exception cref="AdminCommandException">No such palette or command; the message lists the valid ones.</exception>
    public static AdminCommandInfo Find(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || string.IsNullOrWhiteSpace(args[0]))
        {
            throw new AdminCommandException($"No command given. Palettes: {string.Join(", ", Palettes)}. Try: help");
        }

        var palette = args[0];
        if (!Palettes.Contains(palette))
        {
            throw new AdminCommandException($"Unknown palette '{palette}'. Valid palettes: {string.Join(", ", Palettes)}.");
        }

        var commands = CommandsOf(palette);
        if (args.Count < 2)
        {
            throw new AdminCommandException($"Palette '{palette}' needs a command: {string.Join(", ", commands)}.");
        }

        return Commands.FirstOrDefault(c => c.Palette == palette && c.Name == args[1])
            ?? throw new AdminCommandException($"Unknown command '{args[1]}' in palette '{palette}'. Valid commands: {string.Join(", ", commands)}.");
    }

    /// <summary>The help text: every command's usage and description, one per line.</summary>
    public static string Help()
    {
        var width = Commands.Max(c => c.Usage.Length) + 2;
        var text = new StringBuilder();
        foreach (var command in Commands)
        {
            text.Append(command.Usage.PadRight(width)).Append(command.Description).Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}

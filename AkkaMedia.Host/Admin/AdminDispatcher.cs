using AkkaMedia.Host.Admin.Palettes;

namespace AkkaMedia.Host.Admin;

/// <summary>Runs the command a request names (see <see cref="AdminCatalog"/>).</summary>
internal static class AdminDispatcher
{
    /// <summary>Runs <paramref name="args"/> (palette, command, arguments) against the node of <paramref name="context"/>.</summary>
    /// <exception cref="AdminCommandException">Unknown palette or command, bad arguments, or the command could not do its work.</exception>
    public static Task RunAsync(IReadOnlyList<string> args, Func<IReadOnlyList<string>, AdminContext> context)
    {
        var command = AdminCatalog.Find(args);
        var ctx = context(args.Skip(2).ToList());
        return command.Palette switch
        {
            "cluster" => ClusterPalette.RunAsync(command, ctx),
            "actor" => ActorPalette.RunAsync(command, ctx),
            "log" => LogPalette.RunAsync(command, ctx),
            "media" => MediaPalette.RunAsync(command, ctx),
            _ => throw new AdminCommandException($"Palette '{command.Palette}' has no handler."),
        };
    }
}

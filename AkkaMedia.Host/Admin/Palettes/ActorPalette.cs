using System.Globalization;
using System.Text;
using Akka.Actor;

namespace AkkaMedia.Host.Admin.Palettes;

/// <summary>The <c>actor</c> palette: this node's actor tree, read from the actors' cells as they are right now.</summary>
internal static class ActorPalette
{
    /// <summary>Levels below the root shown when <c>--depth</c> is not given.</summary>
    public const int DefaultDepth = 4;

    public static Task RunAsync(AdminCommandInfo command, AdminContext context) => command.Name switch
    {
        "hierarchy" => context.WriteAsync(Hierarchy(context.System, Depth(context, command))),
        _ => throw new AdminCommandException($"Unknown actor command '{command.Name}'."),
    };

    /// <summary>
    /// The tree under the root guardian, <paramref name="depth"/> levels deep, one actor per line indented by
    /// level, children in name order; a node with children below the cut shows how many.
    /// </summary>
    internal static string Hierarchy(ActorSystem system, int depth)
    {
        var root = ((ExtendedActorSystem)system).Provider.RootGuardian;
        var text = new StringBuilder();
        text.Append(root.Path.ToString()).Append('\n');
        Walk(root, 1, depth, text);
        return text.ToString().TrimEnd('\n');
    }

    private static void Walk(IActorRef actor, int level, int depth, StringBuilder text)
    {
        foreach (var child in Children(actor).OrderBy(c => c.Path.Name, StringComparer.Ordinal))
        {
            text.Append(' ', 2 * level).Append(child.Path.Name);
            var grandChildren = Children(child).Count;
            if (level == depth && grandChildren > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"  (+{grandChildren} children)");
            }

            text.Append('\n');
            if (level < depth)
            {
                Walk(child, level + 1, depth, text);
            }
        }
    }

    private static IReadOnlyList<IActorRef> Children(IActorRef actor) =>
        actor is ActorRefWithCell withCell ? withCell.Children.ToList() : [];

    private static int Depth(AdminContext context, AdminCommandInfo command)
    {
        var args = context.Args.Count == 1 && context.Args[0].StartsWith("--depth=", StringComparison.Ordinal)
            ? ["--depth", context.Args[0]["--depth=".Length..]]
            : context.Args;
        if (args.Count == 0)
        {
            return DefaultDepth;
        }

        if (args.Count == 2 && args[0] == "--depth" && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var depth) && depth is >= 1 and <= 100)
        {
            return depth;
        }

        throw new AdminCommandException($"Bad arguments '{string.Join(' ', args)}'. Usage: {command.Usage} (N from 1 to 100).");
    }
}

using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Executor;
using AkkaMedia.Nodes;
using AkkaMedia.Protocol;

namespace AkkaMedia.Host.Admin.Palettes;

/// <summary>
/// The <c>media</c> palette: node types, the cluster's executors, and this node's sessions, packages and session state.
/// </summary>
internal static class MediaPalette
{
    public static Task RunAsync(AdminCommandInfo command, AdminContext context) => command.Name switch
    {
        "nodes" => context.WriteAsync(Nodes()),
        "executors" => ExecutorsAsync(context),
        "sessions" => SessionsAsync(context),
        "packages" => PackagesAsync(context),
        "state" => StateAsync(context),
        "kill" => KillAsync(context, command),
        _ => throw new AdminCommandException($"Unknown media command '{command.Name}'."),
    };

    /// <summary>One line per built-in node type: name, input → output, setting keys, description.</summary>
    internal static string Nodes()
    {
        var descriptors = HostNodes.CreateRegistry().Descriptors;
        var width = descriptors.Max(d => d.TypeName.Length) + 2;
        return string.Join('\n', descriptors.Select(d =>
            $"{d.TypeName.PadRight(width)}{d.InputType.Name} -> {d.OutputType.Name}  settings [{string.Join(", ", d.SettingKeys)}]  {d.Description}"));
    }

    private static async Task ExecutorsAsync(AdminContext context)
    {
        var state = Cluster.Get(context.System).State;
        var executors = state.Members.Where(m => m.HasRole("executor")).OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
        if (executors.Count == 0)
        {
            await context.WriteAsync("no executors in the cluster (nodes started with --roles executor)").ConfigureAwait(false);
            return;
        }

        var answers = await Task.WhenAll(executors.Select(async member =>
        {
            var status = $"{member.Status}{(state.Unreachable.Contains(member) ? " unreachable" : string.Empty)}";
            try
            {
                var executor = context.System.ActorSelection(new RootActorPath(member.Address) / "user" / ExecutorActor.Name);
                var load = await executor.Ask<ExecutorStatus>(GetExecutorStatus.Instance, context.Settings.AskTimeout, context.Cancellation).ConfigureAwait(false);
                return string.Create(CultureInfo.InvariantCulture,
                    $"{member.Address}  {status}  sessions {load.ActiveSessions}/{load.MaxSessions}  load {100.0 * load.ActiveSessions / load.MaxSessions:0.#}%  {(load.Accepting ? "accepting" : "draining: accepts no new sessions")}");
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                return $"{member.Address}  {status}  no answer within {context.Settings.AskTimeout.TotalSeconds:0.#} s";
            }
        })).ConfigureAwait(false);
        await context.WriteAsync(string.Join('\n', answers)).ConfigureAwait(false);
    }

    private static async Task SessionsAsync(AdminContext context)
    {
        var executor = await LocalExecutorAsync(context).ConfigureAwait(false);
        var sessions = await executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, context.Settings.AskTimeout, context.Cancellation).ConfigureAwait(false);
        if (sessions.Count == 0)
        {
            await context.WriteAsync("no sessions").ConfigureAwait(false);
            return;
        }

        var now = DateTimeOffset.UtcNow;
        await context.WriteAsync(string.Join('\n', sessions.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.SessionId}  {s.NodeType}  {s.Transport}  in {s.FramesIn?.ToString(CultureInfo.InvariantCulture) ?? "-"}  out {s.FramesOut?.ToString(CultureInfo.InvariantCulture) ?? "-"}  age {(now - s.Started).TotalSeconds:0.0} s  client {s.Client}  {Isolation(s)}")))).ConfigureAwait(false);
    }

    /// <summary>Where a session's code runs: <c>isolation in-process</c>, or <c>isolation process</c> with its worker's pid, memory and CPU time.</summary>
    private static string Isolation(SessionSummary session) => session.WorkerPid is { } pid
        ? string.Create(CultureInfo.InvariantCulture,
            $"isolation {session.Isolation}  worker pid {pid}  mem {(session.WorkerMemoryBytes ?? 0) / (1024.0 * 1024.0):0.0} MiB  cpu {(session.WorkerCpu ?? TimeSpan.Zero).TotalSeconds:0.00} s")
        : $"isolation {session.Isolation}";

    private static async Task PackagesAsync(AdminContext context)
    {
        var executor = await LocalExecutorAsync(context).ConfigureAwait(false);
        var packages = await executor.Ask<IReadOnlyList<PackageStoreEntry>>(ExecutorActor.ListPackages.Instance, context.Settings.AskTimeout, context.Cancellation).ConfigureAwait(false);
        if (packages.Count == 0)
        {
            await context.WriteAsync("no packages cached").ConfigureAwait(false);
            return;
        }

        await context.WriteAsync(string.Join('\n', packages.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Name}  {p.Version}  sha256 {p.Sha256[..Math.Min(12, p.Sha256.Length)]}  {p.Length} bytes  last used {p.LastUsed.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z  leases {p.Leases}")))).ConfigureAwait(false);
    }

    private static async Task StateAsync(AdminContext context)
    {
        var store = SessionStateStore.Get(context.System);
        if (context.Args.Count > 0)
        {
            var key = context.Args[0];
            var state = store.Snapshot().FirstOrDefault(s => s.Key == key)
                ?? throw new AdminCommandException($"No session state '{key}' on this node; list the keys with: media state");
            var values = state.Describe();
            await context.WriteAsync(values.Count == 0
                ? $"{key}: no values"
                : string.Join('\n', values.Select(v => $"{v.Key} = {v.Value}"))).ConfigureAwait(false);
            return;
        }

        var states = store.Snapshot();
        var now = DateTimeOffset.UtcNow;
        var header = string.Create(CultureInfo.InvariantCulture,
            $"{states.Count} of at most {store.MaxSessions} states, kept {store.TimeToLive.TotalHours:0.##} h after last use; dropped so far: {store.Expired} expired, {store.Evicted} evicted");
        await context.WriteAsync(states.Count == 0 ? header : header + "\n" + string.Join('\n', states.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Key}  values {s.Names.Count}  {s.Size} bytes  idle {(now - s.LastUsed).TotalSeconds:0.0} s  expires {s.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z")))).ConfigureAwait(false);
    }

    private static async Task KillAsync(AdminContext context, AdminCommandInfo command)
    {
        var id = context.Arg(0, command.Usage);
        var executor = await LocalExecutorAsync(context).ConfigureAwait(false);
        var killed = await executor.Ask<bool>(new ExecutorActor.KillSession(id, string.Empty), context.Settings.AskTimeout, context.Cancellation).ConfigureAwait(false);
        if (!killed)
        {
            throw new AdminCommandException($"No session '{id}' runs on this node's executor; list them with: media sessions");
        }

        await context.WriteAsync($"session {id} killed").ConfigureAwait(false);
    }

    private static async Task<IActorRef> LocalExecutorAsync(AdminContext context)
    {
        try
        {
            return await context.System.ActorSelection("/user/" + ExecutorActor.Name).ResolveOne(context.Settings.AskTimeout, context.Cancellation).ConfigureAwait(false);
        }
        catch (ActorNotFoundException)
        {
            throw new AdminCommandException("This node runs no executor (it was started without the 'executor' role); ask an executor node's admin port.");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Loader;

namespace AkkaMedia.LoadTest;

/// <summary>
/// Memory of one process after full collections, and the collectible session load contexts it still holds: what the soak
/// scenario watches for growth and leaks. The executor answers the <c>MEMORY</c> line with it; the driver takes its own.
/// </summary>
/// <param name="RssBytes">Resident set size (Linux <c>VmRSS</c>, the working set elsewhere).</param>
/// <param name="HeapBytes">
/// The managed heap's live bytes after full blocking compacting collections (<see cref="GC.GetTotalMemory(bool)"/> once the
/// collections ran): what the process keeps alive, not what it allocated since the last collection, so a leak shows and
/// the allocation rate does not.
/// </param>
/// <param name="LoadContexts">Session load contexts (collectible, named <c>akka-media-session-…</c>) not unloaded yet.</param>
/// <param name="UncollectedLoadContexts">
/// Collectible session load contexts whose assemblies are still in the process after the collections: unloaded or not,
/// they are not collected yet. An unloaded context that stays here is a leak (something still references its code).
/// </param>
internal sealed record ProcessMemory(long RssBytes, long HeapBytes, int LoadContexts, int UncollectedLoadContexts)
{
    public const string Prefix = "MEMORY ";

    /// <summary>The most rounds of collection and finalizers one reading runs.</summary>
    private const int CollectionRounds = 3;

    private const string SessionContextPrefix = "akka-media-session-";

    /// <summary>
    /// The current process, after a full blocking compacting collection and its finalizers, repeated (up to
    /// <see cref="CollectionRounds"/> times) while contexts that were unloaded are still there: a collectible context is
    /// freed only after its loader's finalizer ran.
    /// </summary>
    public static ProcessMemory OfThisProcess()
    {
        var loaded = 0;
        var uncollected = 0;
        for (var round = 0; round < CollectionRounds && (round == 0 || uncollected > loaded); round++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            loaded = AssemblyLoadContext.All.Count(static c => c.IsCollectible && IsSession(c));
            uncollected = AppDomain.CurrentDomain.GetAssemblies()
                .Where(static a => a.IsCollectible)
                .Select(static a => AssemblyLoadContext.GetLoadContext(a))
                .Where(static c => c is not null && IsSession(c))
                .Distinct()
                .Count();
        }

        return new ProcessMemory(Rss(), GC.GetTotalMemory(forceFullCollection: false), loaded, uncollected);
    }

    public static ProcessMemory Parse(string line)
    {
        var parts = line[Prefix.Length..].Split(' ');
        return new ProcessMemory(
            long.Parse(parts[0], CultureInfo.InvariantCulture),
            long.Parse(parts[1], CultureInfo.InvariantCulture),
            int.Parse(parts[2], CultureInfo.InvariantCulture),
            int.Parse(parts[3], CultureInfo.InvariantCulture));
    }

    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{RssBytes} {HeapBytes} {LoadContexts} {UncollectedLoadContexts}");

    private static bool IsSession(AssemblyLoadContext context) => context.Name?.StartsWith(SessionContextPrefix, StringComparison.Ordinal) == true;

    /// <summary>The resident set size now, read by the operating system.</summary>
    private static long Rss()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}

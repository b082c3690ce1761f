using System.Collections.Concurrent;
using System.Runtime.Loader;

namespace AkkaMedia.Samples.Common;

/// <summary>
/// Records, from its creation until it is disposed, every assembly this process loads into a collectible
/// load context: with an in-process executor, those are the copies of the shipped code the executor's
/// sessions load from the bytes they were sent (the sample's own copies sit in the default context).
/// </summary>
/// <remarks>
/// Only names are kept, never the assemblies or their contexts, so watching does not keep a session's
/// context from being unloaded. Thread-safe: loads happen on the executor's threads.
/// </remarks>
public sealed class ShippedAssemblyWatch : IDisposable
{
    private readonly ConcurrentQueue<LoadedCopy> _loaded = new();

    /// <summary>Starts watching.</summary>
    public ShippedAssemblyWatch() => AppDomain.CurrentDomain.AssemblyLoad += OnAssemblyLoad;

    /// <summary>The collectible loads seen so far, in the order they happened.</summary>
    public IReadOnlyList<LoadedCopy> Loaded => _loaded.ToArray();

    /// <summary>Stops watching.</summary>
    public void Dispose() => AppDomain.CurrentDomain.AssemblyLoad -= OnAssemblyLoad;

    private void OnAssemblyLoad(object? sender, AssemblyLoadEventArgs args)
    {
        var assembly = args.LoadedAssembly;
        if (!assembly.IsCollectible)
        {
            return;
        }

        var name = assembly.GetName();
        _loaded.Enqueue(new LoadedCopy(
            name.Name ?? string.Empty,
            name.Version?.ToString() ?? string.Empty,
            AssemblyLoadContext.GetLoadContext(assembly)?.Name ?? "(unnamed)",
            assembly.Location.Length == 0));
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Akka.Configuration;
using AkkaMedia.Executor.Loading;
using AkkaMedia.TestKit;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>An in-process executor for the specs that ship user code.</summary>
public sealed class ObjectExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("akka-media.executor.max-sessions = 8"))
{
    /// <summary>A weak reference to the load context of session <paramref name="sessionId"/>, taken without keeping it alive.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static WeakReference ContextOf(string sessionId) =>
        new(AssemblyLoadContext.All.Single(c => c.Name == "akka-media-session-" + sessionId));

    /// <summary>Collects garbage until every reference is dead, or gives up after a bounded number of rounds; returns how many are still alive.</summary>
    public static int CollectUntilDead(IReadOnlyCollection<WeakReference> references, int rounds = 40)
    {
        for (var i = 0; i < rounds && references.Any(static r => r.IsAlive); i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        return references.Count(static r => r.IsAlive);
    }

    /// <summary>Load contexts of sessions that have not been unloaded.</summary>
    public static int LiveContexts => SessionLoadContext.Live;
}

/// <summary>Specs that load user code run one class at a time, so counts of live load contexts are theirs alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UserCodeCollection
{
    public const string Name = "user code";
}

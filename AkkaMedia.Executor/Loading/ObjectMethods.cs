using System.Collections.Concurrent;
using System.Reflection;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Loading;

/// <summary>
/// The interface methods of one session's object, by <see cref="MethodKey"/>: each key is resolved on its first call
/// and reused by later ones. Calls run on threads of their own, so it may be used from any thread at once.
/// <see cref="Clear"/> drops the methods (they reference the session's load context) when the session ends.
/// </summary>
internal sealed class ObjectMethods
{
    private readonly ConcurrentDictionary<string, MethodInfo> _methods = new(StringComparer.Ordinal);

    /// <summary>The method of <paramref name="target"/>'s interfaces named by <paramref name="key"/>.</summary>
    /// <exception cref="MissingMethodException">No interface of the object declares it; nothing is remembered.</exception>
    public MethodInfo Resolve(object target, string key) =>
        _methods.GetOrAdd(key, static (key, target) => MethodKey.Resolve(target.GetType(), key), target);

    /// <summary>Forgets every resolved method.</summary>
    public void Clear() => _methods.Clear();
}

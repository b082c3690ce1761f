using System.Reflection;
using Akka.Actor;
using AkkaMedia.Remote;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// One deploy round trip of a user object whose interface the benchmark cannot name at compile time (it
/// lives in the shipped assembly): <see cref="RemoteObject.DeployAsync{TInterface}"/>, one call of
/// <c>Task&lt;int&gt; PingAsync(int)</c> through the proxy, then <see cref="RemoteObject{TInterface}.DisposeAsync"/>,
/// which returns once the executor has ended the session.
/// </summary>
internal abstract class DeployRoundTrip
{
    /// <summary>A round trip of <paramref name="instance"/> called through <paramref name="interfaceName"/> of its assembly.</summary>
    public static DeployRoundTrip For(object instance, string interfaceName)
    {
        var contract = instance.GetType().Assembly.GetType(interfaceName, throwOnError: true)!;
        return (DeployRoundTrip)Activator.CreateInstance(typeof(Typed<>).MakeGenericType(contract), instance)!;
    }

    /// <summary>Deploys, calls <c>PingAsync(argument)</c> once and disposes; returns what the remote call returned.</summary>
    public abstract Task<int> RunAsync(ActorSystem system, int argument);

    private sealed class Typed<TInterface> : DeployRoundTrip
        where TInterface : class
    {
        private readonly TInterface _instance;
        private readonly Func<TInterface, int, Task<int>> _ping;

        public Typed(object instance)
        {
            _instance = (TInterface)instance;
            var method = typeof(TInterface).GetMethod("PingAsync", BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{typeof(TInterface).FullName} has no PingAsync(int).");
            _ping = method.CreateDelegate<Func<TInterface, int, Task<int>>>();
        }

        public override async Task<int> RunAsync(ActorSystem system, int argument)
        {
            var remote = await RemoteObject.DeployAsync(system, _instance).ConfigureAwait(false);
            await using (remote.ConfigureAwait(false))
            {
                return await _ping(remote.Proxy, argument).ConfigureAwait(false);
            }
        }
    }
}

using System.Reflection;
using Akka.Actor;
using AkkaMedia.Remote;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// A user object deployed once and kept, whose interface (with <c>Task&lt;int&gt; PingAsync(int)</c>) the benchmark
/// cannot name at compile time: it lives in the shipped assembly. Disposing ends the session.
/// </summary>
internal abstract class DeployedPing : IAsyncDisposable
{
    /// <summary>Deploys <paramref name="instance"/>, to be called through <paramref name="interfaceName"/> of its assembly.</summary>
    public static DeployedPing Deploy(ActorSystem system, object instance, string interfaceName)
    {
        var contract = instance.GetType().Assembly.GetType(interfaceName, throwOnError: true)!;
        var typed = (DeployedPing)Activator.CreateInstance(typeof(Typed<>).MakeGenericType(contract))!;
        typed.DeployAsync(system, instance).GetAwaiter().GetResult();
        return typed;
    }

    /// <summary>Calls <c>PingAsync(argument)</c> on the deployed object.</summary>
    public abstract Task<int> PingAsync(int argument);

    public abstract ValueTask DisposeAsync();

    protected abstract Task DeployAsync(ActorSystem system, object instance);

    private sealed class Typed<TInterface> : DeployedPing
        where TInterface : class
    {
        private RemoteObject<TInterface>? _remote;
        private Func<TInterface, int, Task<int>>? _ping;

        public override Task<int> PingAsync(int argument) => _ping!(_remote!.Proxy, argument);

        public override ValueTask DisposeAsync() => _remote?.DisposeAsync() ?? ValueTask.CompletedTask;

        protected override async Task DeployAsync(ActorSystem system, object instance)
        {
            var method = typeof(TInterface).GetMethod("PingAsync", BindingFlags.Public | BindingFlags.Instance)
                ?? throw new InvalidOperationException($"{typeof(TInterface).FullName} has no PingAsync(int).");
            _ping = method.CreateDelegate<Func<TInterface, int, Task<int>>>();
            _remote = await RemoteObject.DeployAsync(system, (TInterface)instance).ConfigureAwait(false);
        }
    }
}

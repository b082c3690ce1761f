using System.Reflection;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using AkkaMedia.Remote;

namespace AkkaMedia.Executor.Tests.Durable;

/// <summary>
/// A <see cref="DurableObject{TInterface}"/> whose interface exists only in user code compiled at test time: gets and
/// calls it through reflection, exactly what the typed API does.
/// </summary>
public sealed class DurableHandle
{
    private static readonly MethodInfo FactoryOf = typeof(DurableHandle).GetMethod(nameof(Factory), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly object _handle;
    private readonly Type _interface;

    private DurableHandle(object handle, Type @interface)
    {
        _handle = handle;
        _interface = @interface;
    }

    public object Proxy => _handle.GetType().GetProperty("Proxy")!.GetValue(_handle)!;

    /// <summary>Gets or creates durable object <paramref name="name"/> called through <paramref name="interfaceType"/>; <paramref name="factory"/> makes it when it does not exist.</summary>
    public static async Task<DurableHandle> GetOrDeployAsync(ActorSystem system, string name, Type interfaceType, Func<object> factory, DurableObjectOptions? options = null)
    {
        var typed = FactoryOf.MakeGenericMethod(interfaceType).Invoke(null, [factory])!;
        var get = typeof(RemoteObject).GetMethod(nameof(RemoteObject.GetOrDeployAsync))!.MakeGenericMethod(interfaceType);
        var task = (Task)Unwrapped(() => get.Invoke(null, [system, name, typed, options, CancellationToken.None]))!;
        await task;
        return new DurableHandle(task.GetType().GetProperty("Result")!.GetValue(task)!, interfaceType);
    }

    /// <summary>Calls <paramref name="method"/> through the proxy; exceptions are those the proxy throws.</summary>
    public object? Call(string method, params object?[] arguments) =>
        Unwrapped(() => _interface.GetMethod(method)!.Invoke(Proxy, arguments));

    /// <summary>Sends a call of <paramref name="method"/> with idempotency sequence <paramref name="sequence"/> of this handle, and returns its result.</summary>
    public async Task<object?> CallWithKeyAsync(long sequence, string method, params object?[] arguments)
    {
        var invoke = _handle.GetType().GetMethod("InvokeAsync", BindingFlags.Instance | BindingFlags.NonPublic)!;
        var reply = await (Task<object>)invoke.Invoke(_handle, [sequence, _interface.GetMethod(method)!, arguments])!;
        var outcome = _handle.GetType().GetMethod("Outcome", BindingFlags.Instance | BindingFlags.NonPublic)!;
        return Unwrapped(() => outcome.Invoke(_handle, [reply, method]));
    }

    public async Task<object> GetStateAsync()
    {
        var task = (Task)Unwrapped(() => _handle.GetType().GetMethod("GetStateAsync")!.Invoke(_handle, [CancellationToken.None]))!;
        await task;
        return task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    public Task DestroyAsync() => (Task)Unwrapped(() => _handle.GetType().GetMethod("DestroyAsync")!.Invoke(_handle, [CancellationToken.None]))!;

    private static Func<T> Factory<T>(Func<object> factory) => () => (T)factory();

    private static object? Unwrapped(Func<object?> call)
    {
        try
        {
            return call();
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}

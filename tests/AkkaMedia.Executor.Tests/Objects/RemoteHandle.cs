using System.Reflection;
using System.Runtime.ExceptionServices;
using Akka.Actor;
using AkkaMedia.Remote;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// A <see cref="RemoteObject{TInterface}"/> whose interface exists only in user code compiled at test
/// time, so the spec cannot name it: deploys and calls through reflection, exactly what the typed API does.
/// </summary>
public sealed class RemoteHandle : IAsyncDisposable
{
    private readonly object _handle;
    private readonly Type _interface;

    private RemoteHandle(object handle, Type @interface)
    {
        _handle = handle;
        _interface = @interface;
    }

    public object Proxy => Property("Proxy")!;

    public string SessionId => (string)Property("SessionId")!;

    public string ExecutorAddress => (string)Property("ExecutorAddress")!;

    /// <summary>Whether the handle's calls travel over the executor's media link (else as Akka.Remote messages).</summary>
    public bool CallsOverLink => (bool)_handle.GetType().GetProperty("CallsOverLink", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(_handle)!;

    public static async Task<RemoteHandle> DeployAsync(ActorSystem system, object obj, string interfaceName, RemoteObjectOptions? options = null)
    {
        var face = obj.GetType().GetInterface(interfaceName, ignoreCase: false) ?? throw new ArgumentException($"{obj.GetType()} does not implement {interfaceName}.");
        var deploy = typeof(RemoteObject).GetMethod(nameof(RemoteObject.DeployAsync))!.MakeGenericMethod(face);
        var task = (Task)Unwrapped(() => deploy.Invoke(null, [system, obj, options, CancellationToken.None]))!;
        await task;
        return new RemoteHandle(task.GetType().GetProperty("Result")!.GetValue(task)!, face);
    }

    /// <summary>Calls <paramref name="method"/> through the proxy; exceptions are those the proxy throws.</summary>
    public object? Call(string method, params object?[] arguments) =>
        Unwrapped(() => _interface.GetMethod(method)!.Invoke(Proxy, arguments));

    /// <summary>Calls a <c>Task</c>/<c>Task&lt;T&gt;</c>/<c>ValueTask&lt;T&gt;</c> method and awaits it; returns its result (null for <c>Task</c>).</summary>
    public async Task<object?> CallAsync(string method, params object?[] arguments)
    {
        var returned = Call(method, arguments);
        if (returned is not null && returned.GetType().IsGenericType && returned.GetType().GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            returned = returned.GetType().GetMethod("AsTask")!.Invoke(returned, null);
        }

        var task = (Task)returned!;
        await task;
        var result = task.GetType().GetProperty("Result");
        return result is null || result.PropertyType.Name == "VoidTaskResult" ? null : result.GetValue(task);
    }

    public async Task<object> GetStateAsync()
    {
        var task = (Task)Unwrapped(() => _handle.GetType().GetMethod("GetStateAsync")!.Invoke(_handle, [CancellationToken.None]))!;
        await task;
        return task.GetType().GetProperty("Result")!.GetValue(task)!;
    }

    public ValueTask DisposeAsync() => ((IAsyncDisposable)_handle).DisposeAsync();

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

    private object? Property(string name) => _handle.GetType().GetProperty(name)!.GetValue(_handle);
}

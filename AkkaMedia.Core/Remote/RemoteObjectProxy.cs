using System.Collections.Concurrent;
using System.Reflection;

namespace AkkaMedia.Remote;

/// <summary>
/// The <see cref="DispatchProxy"/> behind <see cref="RemoteObject{TInterface}.Proxy"/>: turns every
/// interface call into a remote call and adapts its result to the method's return type (synchronous
/// methods block; <c>Task</c>, <c>Task&lt;T&gt;</c>, <c>ValueTask</c> and <c>ValueTask&lt;T&gt;</c> do not).
/// </summary>
/// <remarks>Not sealed: <see cref="DispatchProxy"/> derives the proxy type from it at run time.</remarks>
#pragma warning disable CA1852 // DispatchProxy needs an unsealed base.
internal class RemoteObjectProxy : DispatchProxy
#pragma warning restore CA1852
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<Task<object?>, object?>> Adapters = new();
    private static readonly MethodInfo TaskOf = typeof(RemoteObjectProxy).GetMethod(nameof(AsTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ValueTaskOf = typeof(RemoteObjectProxy).GetMethod(nameof(AsValueTaskOf), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly Func<Task<object?>, object?> Synchronous = static _ => null;

    private Func<MethodInfo, object?[], Task<object?>> _callAsync = null!;
    private Func<MethodInfo, object?[], object?> _call = null!;

    /// <summary>A proxy whose task-returning methods go to <paramref name="callAsync"/> and whose other methods to <paramref name="call"/>, which blocks.</summary>
    public static T Create<T>(Func<MethodInfo, object?[], Task<object?>> callAsync, Func<MethodInfo, object?[], object?> call)
        where T : class
    {
        var proxy = Create<T, RemoteObjectProxy>();
        ((RemoteObjectProxy)(object)proxy)._callAsync = callAsync;
        ((RemoteObjectProxy)(object)proxy)._call = call;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var adapt = Adapters.GetOrAdd(targetMethod, Adapter);
        if (ReferenceEquals(adapt, Synchronous))
        {
            return _call(targetMethod, args ?? []);
        }

        return adapt(_callAsync(targetMethod, args ?? []));
    }

    /// <summary>How a task-returning method's result is made of the call's task; <see cref="Synchronous"/> for any other method.</summary>
    private static Func<Task<object?>, object?> Adapter(MethodInfo method)
    {
        var type = method.ReturnType;
        if (type == typeof(Task))
        {
            return static call => (Task)call;
        }

        if (type == typeof(ValueTask))
        {
            return static call => new ValueTask(call);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>))
        {
            return TaskOf.MakeGenericMethod(type.GetGenericArguments()[0]).CreateDelegate<Func<Task<object?>, object?>>();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            return ValueTaskOf.MakeGenericMethod(type.GetGenericArguments()[0]).CreateDelegate<Func<Task<object?>, object?>>();
        }

        return Synchronous;
    }

    private static object? AsTaskOf<T>(Task<object?> call) => Cast<T>(call);

    private static object? AsValueTaskOf<T>(Task<object?> call) => new ValueTask<T>(Cast<T>(call));

    private static async Task<T> Cast<T>(Task<object?> call) => (T)(await call.ConfigureAwait(false))!;
}

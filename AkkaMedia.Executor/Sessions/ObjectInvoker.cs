using System.Reflection;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// Runs one request of an object session against its object, inside the session's load context, and
/// turns the outcome into the reply: the serialized result, or the failure with the remote exception's
/// type, message and stack trace. Runs on a thread of its own, never on an actor's.
/// </summary>
internal static class ObjectInvoker
{
    /// <summary>Deserializes the session's object from <paramref name="bytes"/>.</summary>
    /// <exception cref="CodeRejectedException">Deserialization failed or user code (a static constructor, a deserialization callback) threw.</exception>
    public static ObjectHolder Deserialize(SessionCode code, byte[] bytes, string entryAssembly)
    {
        try
        {
            return new ObjectHolder(code.Codec.Deserialize(bytes) ?? throw new CodeRejectedException("The shipped object is null."));
        }
        catch (Exception e) when (e is not CodeRejectedException)
        {
            var cause = Unwrap(e);
            var chain = new List<string>();
            for (var current = cause; current is not null; current = current.InnerException)
            {
                chain.Add($"{current.GetType().FullName}: {current.Message}");
            }

            throw new CodeRejectedException(
                $"The shipped object (assembly {entryAssembly}) could not be deserialized on the executor: {string.Join(" ---> ", chain)}", cause);
        }
    }

    /// <summary>Runs <paramref name="request"/> (a call or a state snapshot) on <paramref name="loaded"/>'s object and returns the reply.</summary>
    public static async Task<IObjectSessionMessage> RunAsync(LoadedObject loaded, IObjectSessionMessage request)
    {
        var callId = CallIdOf(request);
        var code = loaded.Code;
        using var scope = code.Context.EnterContextualReflection();
        var target = loaded.Holder.Value;
        if (target is null)
        {
            return new CallFailed(callId, CallFailure.Rejected, typeof(ObjectDisposedException).FullName!, "The session has ended.", string.Empty);
        }

        if (request is GetObjectState)
        {
            return Reply(callId, code, target, "the object's state");
        }

        var call = (InvokeObject)request;
        MethodInfo method;
        object?[] arguments;
        try
        {
            method = loaded.Methods.Resolve(target, call.Method);

            arguments = code.Codec.Deserialize(call.Arguments) as object?[] ?? [];
        }
        catch (Exception e)
        {
            return Failed(callId, CallFailure.Rejected, Unwrap(e));
        }

        object? result;
        try
        {
            result = await Complete(method.ReturnType, method.Invoke(target, arguments)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return Failed(callId, CallFailure.UserException, Unwrap(e));
        }

        return IsVoid(method.ReturnType) ? new CallSucceeded(callId, []) : Reply(callId, code, result, $"the result of {method.Name}");
    }

    /// <summary>The call id of a request (a call or a state snapshot); 0 for anything else.</summary>
    public static long CallIdOf(IObjectSessionMessage request) => request switch
    {
        InvokeObject invoke => invoke.CallId,
        GetObjectState state => state.CallId,
        _ => 0L,
    };

    private static IObjectSessionMessage Reply(long callId, SessionCode code, object? value, string what)
    {
        byte[] bytes;
        try
        {
            bytes = code.Codec.Serialize(value);
        }
        catch (Exception e)
        {
            var cause = Unwrap(e);
            return new CallFailed(callId, CallFailure.Rejected, cause.GetType().FullName!, $"{what} cannot be serialized: {cause.Message}", cause.ToString());
        }

        return bytes.Length <= ObjectCodec.MaxPayloadBytes
            ? new CallSucceeded(callId, bytes)
            : new CallFailed(callId, CallFailure.Rejected, typeof(InvalidOperationException).FullName!,
                $"{what} serializes to {bytes.Length:N0} bytes; one message carries at most {ObjectCodec.MaxPayloadBytes:N0}.", string.Empty);
    }

    private static async Task<object?> Complete(Type returnType, object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task.ConfigureAwait(false);
                return returnType.IsGenericType ? returnType.GetProperty(nameof(Task<int>.Result))!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
        }

        if (returned is not null && returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var task = (Task)returnType.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
            return await Complete(typeof(Task<>).MakeGenericType(returnType.GetGenericArguments()), task).ConfigureAwait(false);
        }

        return returned;
    }

    private static bool IsVoid(Type type) => type == typeof(void) || type == typeof(Task) || type == typeof(ValueTask);

    private static CallFailed Failed(long callId, CallFailure failure, Exception e) =>
        new(callId, failure, e.GetType().FullName ?? e.GetType().Name, e.Message, e.ToString());

    private static Exception Unwrap(Exception e)
    {
        while (e is TargetInvocationException { InnerException: { } inner })
        {
            e = inner;
        }

        return e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Unwrap(aggregate.InnerExceptions[0]) : e;
    }
}

using System.Reflection;
using System.ComponentModel;

namespace AkkaMedia.Protocol.Codecs;

/// <summary>
/// Names an interface method the same way in the client and the executor, where the interface is a
/// different <see cref="Type"/> (loaded in another process and load context):
/// <c>Namespace.IFace::Method(System.Int32,System.String)</c>, without assembly versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MethodKey
{
    /// <summary>The key of <paramref name="method"/>.</summary>
    public static string Of(MethodInfo method) =>
        $"{Name(method.DeclaringType!)}::{method.Name}({string.Join(",", method.GetParameters().Select(p => Name(p.ParameterType)))})";

    /// <summary>Finds the interface method named by <paramref name="key"/> among the interfaces <paramref name="type"/> implements.</summary>
    /// <exception cref="MissingMethodException">No interface of <paramref name="type"/> declares it.</exception>
    public static MethodInfo Resolve(Type type, string key)
    {
        foreach (var face in type.GetInterfaces())
        {
            foreach (var method in face.GetMethods())
            {
                if (Of(method) == key)
                {
                    return method;
                }
            }
        }

        throw new MissingMethodException($"{type.FullName} implements no interface method {key}. Are client and executor running the same version of the code?");
    }

    /// <summary>
    /// Checks that every method of <paramref name="face"/> can be called remotely: no generic methods,
    /// no <c>ref</c>/<c>out</c> parameters, no delegate parameters (events).
    /// </summary>
    /// <exception cref="ArgumentException">One cannot; the message names it.</exception>
    public static void CheckRemotable(Type face, string parameterName)
    {
        foreach (var method in face.GetMethods().Concat(face.GetInterfaces().SelectMany(static i => i.GetMethods())))
        {
            string? problem = null;
            if (method.IsGenericMethodDefinition)
            {
                problem = "is generic";
            }
            else if (method.GetParameters().FirstOrDefault(static p => p.ParameterType.IsByRef) is { } byRef)
            {
                problem = $"takes parameter '{byRef.Name}' by reference";
            }
            else if (method.GetParameters().FirstOrDefault(static p => typeof(Delegate).IsAssignableFrom(p.ParameterType)) is { } callback)
            {
                problem = $"takes a delegate ('{callback.Name}'), which cannot cross processes";
            }

            if (problem is not null)
            {
                throw new ArgumentException($"{method.DeclaringType!.FullName}.{method.Name} {problem}; remote objects support methods with plain data parameters.", parameterName);
            }
        }
    }

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        }

        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            return $"{definition.FullName}<{string.Join(",", type.GetGenericArguments().Select(Name))}>";
        }

        return type.FullName ?? type.Name;
    }
}

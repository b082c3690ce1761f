using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AkkaMedia.Deployment.Objects;

/// <summary>
/// Finds, before anything is sent, the fields of an object graph that cannot travel to another
/// process: delegates and events, pointers and native handles, streams, threads, tasks, wait handles
/// and actor systems are bound to the process that made them.
/// </summary>
/// <remarks>
/// Walks the object's fields and, for every object reached through them, that object's fields
/// (framework objects are not opened, except arrays and collections whose elements are checked, and
/// generic structs such as dictionary entries).
/// A field is rejected by its declared type or by the type of the value it holds.
/// </remarks>
internal static class ShippableCheck
{
    private const int MaxObjects = 100_000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that cannot be shipped.</summary>
    /// <param name="value">The root object.</param>
    /// <param name="parameterName">The caller's parameter name, for the exception.</param>
    public static void Check(object value, string parameterName)
    {
        var problem = Find(value);
        if (problem is not null)
        {
            throw new ArgumentException(
                $"An object of type {value.GetType().FullName} cannot be shipped to an executor: {problem} " +
                "Keep such members out of the shipped object (create them in the object's methods on the executor, or mark the type's " +
                "process-bound parts as data that can be rebuilt).",
                parameterName);
        }
    }

    /// <summary>The reason the graph of <paramref name="root"/> cannot be shipped, or null when it can.</summary>
    public static string? Find(object root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (Unshippable(root.GetType()) is { } rootReason)
        {
            return $"the object itself is {rootReason}.";
        }

        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Queue<(object Value, string Path)>();
        pending.Enqueue((root, root.GetType().Name));
        seen.Add(root);
        while (pending.TryDequeue(out var item) && seen.Count < MaxObjects)
        {
            var type = item.Value.GetType();
            if (item.Value is Array array)
            {
                if (!IsLeaf(type.GetElementType()!))
                {
                    var index = 0;
                    foreach (var element in array)
                    {
                        if (Visit(element, $"{item.Path}[{index}]", null, seen, pending) is { } reason)
                        {
                            return reason;
                        }

                        index++;
                    }
                }

                continue;
            }

            // Framework objects are not opened (their internals are theirs), except collections, whose
            // elements are checked, and generic structs such as KeyValuePair or ValueTuple, whose fields are.
            if (IsFramework(type) && !(type.IsValueType && type.IsGenericType))
            {
                if (item.Value is ICollection collection)
                {
                    var index = 0;
                    foreach (var element in collection)
                    {
                        if (Visit(element, $"{item.Path}[{index}]", null, seen, pending) is { } reason)
                        {
                            return reason;
                        }

                        index++;
                    }
                }

                continue;
            }

            for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
            {
                foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (field.IsDefined(typeof(NonSerializedAttribute)))
                    {
                        continue;
                    }

                    var path = $"{item.Path}.{DisplayName(field)}";
                    if (Unshippable(field.FieldType) is { } declared)
                    {
                        return $"field '{path}' ({field.DeclaringType!.FullName}) is declared as {declared}.";
                    }

                    if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                    {
                        continue;
                    }

                    if (Visit(field.GetValue(item.Value), path, field, seen, pending) is { } reason)
                    {
                        return reason;
                    }
                }
            }
        }

        return null;
    }

    private static string? Visit(object? value, string path, FieldInfo? field, HashSet<object> seen, Queue<(object, string)> pending)
    {
        if (value is null || IsLeaf(value.GetType()))
        {
            return null;
        }

        if (Unshippable(value.GetType()) is { } reason)
        {
            var owner = field is null ? string.Empty : $" ({field.DeclaringType!.FullName})";
            return $"field '{path}'{owner} holds {reason}.";
        }

        if (!value.GetType().IsValueType && !seen.Add(value))
        {
            return null;
        }

        pending.Enqueue((value, path));
        return null;
    }

    /// <summary>Why a value of <paramref name="type"/> cannot leave this process, or null.</summary>
    private static string? Unshippable(Type type)
    {
        if (type.IsPointer || type == typeof(IntPtr) || type == typeof(UIntPtr))
        {
            return $"a pointer or native handle ({type})";
        }

        if (type.IsByRefLike)
        {
            return $"a stack-only type ({type})";
        }

        if (typeof(Delegate).IsAssignableFrom(type))
        {
            return $"a delegate ({Describe(type)}); delegates point at code and captured state of this process";
        }

        (Type Bound, string What)[] bound =
        [
            (typeof(Stream), "a stream"),
            (typeof(SafeHandle), "an operating-system handle"),
            (typeof(WaitHandle), "a wait handle"),
            (typeof(Thread), "a thread"),
            (typeof(Task), "a task"),
            (typeof(CancellationTokenSource), "a cancellation source"),
            (typeof(Timer), "a timer"),
            (typeof(Akka.Actor.ActorSystem), "an actor system"),
        ];
        foreach (var (boundType, what) in bound)
        {
            if (boundType.IsAssignableFrom(type))
            {
                return $"{what} ({Describe(type)}), which belongs to this process";
            }
        }

        return null;
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) ||
        type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan) || type == typeof(Guid);

    private static bool IsFramework(Type type) =>
        type.Assembly == typeof(object).Assembly ||
        type.Assembly.GetName().Name is { } name && (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal));

    private static string DisplayName(FieldInfo field)
    {
        // Auto-property backing fields are named <Name>k__BackingField; show the property's name.
        var name = field.Name;
        return field.IsDefined(typeof(CompilerGeneratedAttribute)) && name.StartsWith('<') && name.IndexOf('>') is > 1 and var end
            ? name[1..end]
            : name;
    }

    private static string Describe(Type type) => type.FullName ?? type.Name;
}

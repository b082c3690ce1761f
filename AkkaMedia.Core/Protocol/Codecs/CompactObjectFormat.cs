using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.Runtime.Serialization;
using System.Text;

namespace AkkaMedia.Protocol.Codecs;

/// <summary>
/// A shipped object whose fields are all simple values, written without Hyperion: the type's assembly and name, then
/// each field's value. Hyperion builds and compiles serializers for every type it meets, per serializer instance, and
/// each session on the executor has a serializer and types of its own, so a Hyperion read costs a session milliseconds
/// however small the object; this format costs microseconds.
/// </summary>
/// <remarks>
/// <para>Eligible (<see cref="TryWrite"/>): a non-generic class that is neither abstract nor <see cref="ISerializable"/>,
/// has no serialization callbacks and no <see cref="NonSerializedAttribute"/> field, and whose instance fields (its own
/// and its base classes') are all of a simple type: <see cref="bool"/>, the integer types, <see cref="float"/>,
/// <see cref="double"/>, <see cref="decimal"/>, <see cref="char"/>, <see cref="string"/>, enums, <see cref="DateTime"/>,
/// <see cref="TimeSpan"/> or <see cref="Guid"/>. Anything else goes to Hyperion, as before. The result is what
/// Hyperion would give: an object created without running a constructor, every field set to the value it had.</para>
/// <para>Layout: <see cref="Marker"/> (a first byte no Hyperion stream starts with), <see cref="Version"/>, the
/// assembly's simple name, the type's full name, the field count, then per field (base class fields first, each class's
/// fields by ordinal name) a kind byte and the value. The reader checks the count and every kind against its own copy of
/// the type (the same assembly bytes: the package is content-addressed).</para>
/// <para>Read only into a collectible load context (an executor session's), and only a type that context itself
/// loaded: the bytes cannot make the reader create an instance of a framework or SDK type. Executors older than this
/// format cannot read it.</para>
/// </remarks>
internal static class CompactObjectFormat
{
    /// <summary>First byte of the format. Hyperion's manifests are small numbers and 253–255 (a spec checks them all).</summary>
    public const byte Marker = 0xA7;

    /// <summary>The layout's version, second byte.</summary>
    public const byte Version = 1;

    private static readonly ConditionalWeakTable<Type, FieldInfo[]?> Plans = new();

    private enum Kind : byte
    {
        Boolean = 1,
        Byte,
        SByte,
        Int16,
        UInt16,
        Int32,
        UInt32,
        Int64,
        UInt64,
        Single,
        Double,
        Decimal,
        Char,
        String,
        Enum,
        DateTime,
        TimeSpan,
        Guid,
    }

    /// <summary>Whether the bytes are in this format (else they are Hyperion's).</summary>
    public static bool Is(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == Marker;

    /// <summary>Writes <paramref name="value"/> in this format when its type is eligible; null when it is not.</summary>
    public static byte[]? TryWrite(object value)
    {
        var type = value.GetType();
        if (PlanOf(type) is not { } fields || type.Assembly.GetName().Name is not { } assembly)
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Marker);
            writer.Write(Version);
            writer.Write(assembly);
            writer.Write(type.FullName!);
            writer.Write7BitEncodedInt(fields.Length);
            foreach (var field in fields)
            {
                WriteValue(writer, field.FieldType, field.GetValue(value));
            }
        }

        return stream.ToArray();
    }

    /// <summary>Reads an object written by <see cref="TryWrite"/>, its type resolved in <paramref name="context"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes are malformed, name a type <paramref name="context"/> does not hold, or do not fit that type.</exception>
    public static object Read(byte[] bytes, AssemblyLoadContext context)
    {
        if (!context.IsCollectible)
        {
            throw new InvalidDataException("A compact object is only read into a session's load context.");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        try
        {
            if (reader.ReadByte() != Marker || reader.ReadByte() != Version)
            {
                throw new InvalidDataException("Not a compact object of a version this executor reads.");
            }

            var assemblyName = reader.ReadString();
            var typeName = reader.ReadString();
            var assembly = context.LoadFromAssemblyName(new AssemblyName(assemblyName));
            var type = assembly.GetType(typeName, throwOnError: false);
            if (type is null || AssemblyLoadContext.GetLoadContext(assembly) != context)
            {
                throw new InvalidDataException($"Type {typeName} of {assemblyName} is not part of the session's shipped code.");
            }

            var fields = PlanOf(type) ?? throw new InvalidDataException($"Type {typeName} is not eligible for the compact format here.");
            var count = reader.Read7BitEncodedInt();
            if (count != fields.Length)
            {
                throw new InvalidDataException($"{count} fields were written for {typeName}, whose class here has {fields.Length}.");
            }

            var instance = RuntimeHelpers.GetUninitializedObject(type);
            foreach (var field in fields)
            {
                field.SetValue(instance, ReadValue(reader, field));
            }

            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException($"Bytes are left over after the fields of {typeName}.");
            }

            return instance;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The compact object is truncated.", e);
        }
    }

    /// <summary>The fields to write for <paramref name="type"/>, in order, or null when it is not eligible.</summary>
    private static FieldInfo[]? PlanOf(Type type) => Plans.GetValue(type, static t => Plan(t));

    private static FieldInfo[]? Plan(Type type)
    {
        if (!type.IsClass || type.IsAbstract || type.IsGenericType || type.IsArray || type.IsCOMObject || typeof(ISerializable).IsAssignableFrom(type) ||
            typeof(IDeserializationCallback).IsAssignableFrom(type) || typeof(Delegate).IsAssignableFrom(type) || type.FullName is null)
        {
            return null;
        }

        var chain = new List<Type>();
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            if (current.IsGenericType || HasCallbacks(current))
            {
                return null;
            }

            chain.Add(current);
        }

        chain.Reverse();
        var fields = new List<FieldInfo>();
        foreach (var declaring in chain)
        {
            var own = declaring.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
            Array.Sort(own, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var field in own)
            {
                if (field.IsDefined(typeof(NonSerializedAttribute), inherit: false) || KindOf(field.FieldType) is null)
                {
                    return null;
                }

                fields.Add(field);
            }
        }

        return [.. fields];
    }

    private static bool HasCallbacks(Type type)
    {
        foreach (var method in type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
        {
            if (method.IsDefined(typeof(OnDeserializingAttribute), false) || method.IsDefined(typeof(OnDeserializedAttribute), false) ||
                method.IsDefined(typeof(OnSerializingAttribute), false) || method.IsDefined(typeof(OnSerializedAttribute), false))
            {
                return true;
            }
        }

        return false;
    }

    private static Kind? KindOf(Type type)
    {
        if (type.IsEnum)
        {
            return Kind.Enum;
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => Kind.Boolean,
            TypeCode.Byte => Kind.Byte,
            TypeCode.SByte => Kind.SByte,
            TypeCode.Int16 => Kind.Int16,
            TypeCode.UInt16 => Kind.UInt16,
            TypeCode.Int32 => Kind.Int32,
            TypeCode.UInt32 => Kind.UInt32,
            TypeCode.Int64 => Kind.Int64,
            TypeCode.UInt64 => Kind.UInt64,
            TypeCode.Single => Kind.Single,
            TypeCode.Double => Kind.Double,
            TypeCode.Decimal => Kind.Decimal,
            TypeCode.Char => Kind.Char,
            TypeCode.String => Kind.String,
            TypeCode.DateTime => Kind.DateTime,
            _ when type == typeof(TimeSpan) => Kind.TimeSpan,
            _ when type == typeof(Guid) => Kind.Guid,
            _ => null,
        };
    }

    private static void WriteValue(BinaryWriter writer, Type type, object? value)
    {
        var kind = KindOf(type)!.Value;
        writer.Write((byte)kind);
        switch (kind)
        {
            case Kind.Boolean: writer.Write((bool)value!); break;
            case Kind.Byte: writer.Write((byte)value!); break;
            case Kind.SByte: writer.Write((sbyte)value!); break;
            case Kind.Int16: writer.Write((short)value!); break;
            case Kind.UInt16: writer.Write((ushort)value!); break;
            case Kind.Int32: writer.Write((int)value!); break;
            case Kind.UInt32: writer.Write((uint)value!); break;
            case Kind.Int64: writer.Write((long)value!); break;
            case Kind.UInt64: writer.Write((ulong)value!); break;
            case Kind.Single: writer.Write((float)value!); break;
            case Kind.Double: writer.Write((double)value!); break;
            case Kind.Decimal: writer.Write((decimal)value!); break;
            case Kind.Char: writer.Write7BitEncodedInt((char)value!); break;
            case Kind.String:
                writer.Write(value is not null);
                if (value is not null)
                {
                    writer.Write((string)value);
                }

                break;
            case Kind.Enum:
                writer.Write(IsUnsigned(type)
                    ? unchecked((long)Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture))
                    : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case Kind.DateTime: writer.Write(((DateTime)value!).ToBinary()); break;
            case Kind.TimeSpan: writer.Write(((TimeSpan)value!).Ticks); break;
            case Kind.Guid: writer.Write(((Guid)value!).ToByteArray()); break;
        }
    }

    private static object? ReadValue(BinaryReader reader, FieldInfo field)
    {
        var type = field.FieldType;
        var kind = KindOf(type)!.Value;
        var written = (Kind)reader.ReadByte();
        if (written != kind)
        {
            throw new InvalidDataException($"Field {field.DeclaringType!.Name}.{field.Name} was written as {written}, but is {kind} here.");
        }

        return kind switch
        {
            Kind.Boolean => reader.ReadBoolean(),
            Kind.Byte => reader.ReadByte(),
            Kind.SByte => reader.ReadSByte(),
            Kind.Int16 => reader.ReadInt16(),
            Kind.UInt16 => reader.ReadUInt16(),
            Kind.Int32 => reader.ReadInt32(),
            Kind.UInt32 => reader.ReadUInt32(),
            Kind.Int64 => reader.ReadInt64(),
            Kind.UInt64 => reader.ReadUInt64(),
            Kind.Single => reader.ReadSingle(),
            Kind.Double => reader.ReadDouble(),
            Kind.Decimal => reader.ReadDecimal(),
            Kind.Char => (char)reader.Read7BitEncodedInt(),
            Kind.String => reader.ReadBoolean() ? reader.ReadString() : null,
            Kind.Enum => IsUnsigned(type) ? Enum.ToObject(type, unchecked((ulong)reader.ReadInt64())) : Enum.ToObject(type, reader.ReadInt64()),
            Kind.DateTime => DateTime.FromBinary(reader.ReadInt64()),
            Kind.TimeSpan => new TimeSpan(reader.ReadInt64()),
            Kind.Guid => new Guid(reader.ReadBytes(16) is { Length: 16 } guid ? guid : throw new EndOfStreamException()),
            _ => throw new InvalidDataException($"Unknown value kind {written}."),
        };
    }

    private static bool IsUnsigned(Type enumType) =>
        Type.GetTypeCode(Enum.GetUnderlyingType(enumType)) is TypeCode.Byte or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64;
}

using System.Reflection;
using System.Runtime.Loader;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Protocol.Codecs;
using Hyperion;

namespace AkkaMedia.Executor.Tests.Objects;

public sealed class CompactObjectFormatSpec
{
    private const string Source = """
        using System;
        namespace Compact
        {
            public enum Mood : byte { Calm = 1, Loud = 200 }
            public enum Big : ulong { Top = ulong.MaxValue }
            public class Base { protected int Inherited; public int GetInherited() => Inherited; public void SetInherited(int value) => Inherited = value; }
            public sealed class Simple : Base
            {
                public static int Constructed;
                private readonly long _fixed;
                public string Name;
                public string Missing;
                public Mood Mood;
                public Big Big;
                public decimal Price;
                public double Ratio;
                public char Letter;
                public bool Flag;
                public DateTime When;
                public TimeSpan Span;
                public Guid Id;
                public Simple(long value) { _fixed = value; Constructed++; }
                public long Fixed => _fixed;
            }
            public sealed class WithList { public System.Collections.Generic.List<int> Items = new System.Collections.Generic.List<int>(); }
            public sealed class WithCallback
            {
                public int Value;
                [System.Runtime.Serialization.OnDeserialized]
                private void Restored(System.Runtime.Serialization.StreamingContext context) => Value++;
            }
            public sealed class WithTransient { [NonSerialized] public int Cache; public int Value; }
        }
        """;

    [Fact]
    public void No_Hyperion_manifest_must_equal_the_compact_marker()
    {
        var manifests = typeof(Serializer).Assembly.GetTypes()
            .SelectMany(static t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(static f => f.IsLiteral && f.FieldType == typeof(byte) && f.Name.Contains("Manifest", StringComparison.Ordinal))
            .Select(static f => (byte)f.GetRawConstantValue()!)
            .ToList();

        Assert.True(manifests.Count > 20, $"only {manifests.Count} manifest constants found in Hyperion");
        Assert.DoesNotContain(CompactObjectFormat.Marker, manifests);
        var codec = new ObjectCodec(AssemblyLoadContext.Default);
        foreach (var value in new object[] { 1, "text", new object?[] { 1, "a" }, new List<int> { 1 }, new Uri("http://x"), 2.5m, DateTime.UnixEpoch })
        {
            Assert.NotEqual(CompactObjectFormat.Marker, codec.Serialize(value)[0]);
        }
    }

    [Fact]
    public void An_object_of_simple_fields_must_come_back_in_the_session_context_with_every_field_and_no_constructor_run()
    {
        var assembly = UserCode.Load("CompactUser", Source);
        var original = UserCode.Create(assembly, "Compact.Simple", 42L);
        var type = original.GetType();
        Set(original, "Name", "héllo");
        Set(original, "Mood", Enum.ToObject(assembly.GetType("Compact.Mood")!, (byte)200));
        Set(original, "Big", Enum.ToObject(assembly.GetType("Compact.Big")!, ulong.MaxValue));
        Set(original, "Price", 12.345m);
        Set(original, "Ratio", double.NaN);
        Set(original, "Letter", 'ß');
        Set(original, "Flag", true);
        Set(original, "When", new DateTime(2026, 12, 7, 4, 30, 0, DateTimeKind.Utc));
        Set(original, "Span", TimeSpan.FromTicks(-5));
        Set(original, "Id", Guid.NewGuid());
        type.GetMethod("SetInherited")!.Invoke(original, [7]);

        var bytes = CompactObjectFormat.TryWrite(original);
        Assert.NotNull(bytes);
        Assert.Equal(CompactObjectFormat.Marker, bytes[0]);

        var context = SessionContext(assembly);
        try
        {
            var copy = new ObjectCodec(context).Deserialize(bytes)!;
            var copyType = copy.GetType();
            Assert.NotSame(type, copyType);
            Assert.Same(context, AssemblyLoadContext.GetLoadContext(copyType.Assembly));
            Assert.Equal(0, (int)copyType.GetField("Constructed")!.GetValue(null)!);
            Assert.Equal(42L, copyType.GetProperty("Fixed")!.GetValue(copy));
            Assert.Equal(7, copyType.GetMethod("GetInherited")!.Invoke(copy, null));
            Assert.Null(copyType.GetField("Missing")!.GetValue(copy));
            foreach (var name in new[] { "Name", "Price", "Ratio", "Letter", "Flag", "When", "Span", "Id" })
            {
                Assert.Equal(type.GetField(name)!.GetValue(original), copyType.GetField(name)!.GetValue(copy));
            }

            Assert.Equal(200L, Convert.ToInt64(copyType.GetField("Mood")!.GetValue(copy), System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(ulong.MaxValue, Convert.ToUInt64(copyType.GetField("Big")!.GetValue(copy), System.Globalization.CultureInfo.InvariantCulture));
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("Compact.WithList")]
    [InlineData("Compact.WithCallback")]
    [InlineData("Compact.WithTransient")]
    public void An_object_with_a_field_or_callback_beyond_simple_values_must_be_left_to_Hyperion(string typeName)
    {
        var assembly = UserCode.Load("CompactOther", Source);
        var value = UserCode.Create(assembly, typeName);

        Assert.Null(CompactObjectFormat.TryWrite(value));
        var bytes = ObjectCodec.For(assembly).SerializeShipped(value, ["CompactOther"]);
        Assert.NotEqual(CompactObjectFormat.Marker, bytes[0]);
    }

    [Fact]
    public void An_object_whose_class_is_not_shipped_must_be_left_to_Hyperion()
    {
        var value = new NotShipped { Value = 3 };

        Assert.NotNull(CompactObjectFormat.TryWrite(value));
        Assert.NotEqual(CompactObjectFormat.Marker, new ObjectCodec(AssemblyLoadContext.Default).SerializeShipped(value, ["SomethingElse"])[0]);
    }

    [Fact]
    public void Compact_bytes_must_be_refused_outside_a_session_context_and_for_a_class_the_session_did_not_ship()
    {
        var bytes = CompactObjectFormat.TryWrite(new NotShipped { Value = 3 })!;

        Assert.Throws<InvalidDataException>(() => new ObjectCodec(AssemblyLoadContext.Default).Deserialize(bytes));
        var context = new SessionLoadContext("compact-" + Guid.NewGuid().ToString("N"), new Dictionary<string, string>());
        try
        {
            var refused = Assert.Throws<InvalidDataException>(() => new ObjectCodec(context).Deserialize(bytes));
            Assert.Contains("not part of the session's shipped code", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void Truncated_compact_bytes_must_be_refused()
    {
        var assembly = UserCode.Load("CompactTruncated", Source);
        var bytes = CompactObjectFormat.TryWrite(UserCode.Create(assembly, "Compact.Simple", 1L))!;
        var context = SessionContext(assembly);
        try
        {
            Assert.Throws<InvalidDataException>(() => new ObjectCodec(context).Deserialize(bytes[..^3]));
            Assert.Throws<InvalidDataException>(() => new ObjectCodec(context).Deserialize([.. bytes, 0]));
        }
        finally
        {
            context.Unload();
        }
    }

    private static SessionLoadContext SessionContext(Assembly shipped) =>
        new("compact-" + Guid.NewGuid().ToString("N"), new Dictionary<string, string> { [shipped.GetName().Name!] = shipped.Location });

    private static void Set(object target, string field, object? value) => target.GetType().GetField(field)!.SetValue(target, value);

    private sealed class NotShipped
    {
        public int Value { get; set; }
    }
}

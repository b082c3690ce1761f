using System.Runtime.Serialization;
using AkkaMedia.Deployment;
using AkkaMedia.Protocol;
using AkkaMedia.Remote.Durable;
using AkkaMedia.Serialization;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Remote.Durable;

public sealed class DurableObjectSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DurableCode Code = new("User.Counter", [
        new DurableCodeFile(new PackageEntry("User.Counter", "1.0.0.0", new string('a', 64), 4096), "/apps/counter/User.Counter.dll"),
        new DurableCodeFile(new PackageEntry("Humanizer", "3.0.0.0", new string('b', 64), 643_760), "/apps/counter/Humanizer.dll"),
    ]);

    private static readonly DurablePolicy Policy = new(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
    private static readonly DurableReply Failed = new([], CallFailure.UserException, "System.InvalidOperationException", "no", "  at Counter.Fail()", "akka.tcp://media@127.0.0.1:4053");
    private static readonly DurableCallApplied Saved = new(new DurableCallKey(Guid.NewGuid(), 7), "Add(Int32)", [], DurableReply.Success([1, 2], "akka.tcp://media@127.0.0.1:4053"), [9, 9, 9]);
    private static readonly DurableCallApplied Unsaved = new(new DurableCallKey(Guid.NewGuid(), 8), "Fail(String)", [4, 5], Failed, null);

    public DurableObjectSerializerSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
    }

    public static TheoryData<string> Messages() => [.. All().Keys];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_durable_object_message_must_use_the_durable_serializer_and_round_trip(string name)
    {
        var message = All()[name];
        var serializer = Sys.Serialization.FindSerializerFor(message);
        Assert.IsType<DurableObjectSerializer>(serializer);
        Assert.Equal(7305, serializer.Identifier);

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);

        Assert.Equal(Describe(message), Describe(back));
    }

    [Fact]
    public void A_truncated_event_must_fail_with_a_serialization_exception()
    {
        var serializer = (DurableObjectSerializer)Sys.Serialization.FindSerializerFor(Saved);
        var bytes = serializer.ToBinary(Saved);

        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^3], serializer.Manifest(Saved)));
        Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "??"));
    }

    private static Dictionary<string, object> All() => new()
    {
        ["activate"] = new ActivateDurable("visits", "User.ICounter"),
        ["create"] = new CreateDurable("visits", "User.ICounter", "User.Counter", Code, [1, 2, 3], Policy),
        ["invoke"] = new InvokeDurable("visits", Guid.NewGuid(), 42, "Add(Int32)", [7, 7]),
        ["get-state"] = new GetDurableState("visits"),
        ["destroy"] = new DestroyDurable("visits"),
        ["activation"] = new DurableActivation(true, "akka.tcp://media@127.0.0.1:4053"),
        ["activation-missing"] = new DurableActivation(false, null),
        ["refused"] = new DurableRefused("There is no durable object named 'visits'.", null),
        ["refused, to retry"] = new DurableRefused("Durable object 'visits' was deactivated before it answered; call again.", "akka.tcp://media@127.0.0.1:4053", Retry: true),
        ["destroyed"] = new DurableDestroyed("visits"),
        ["reply"] = DurableReply.Success([5], "akka.tcp://media@127.0.0.1:4053"),
        ["reply-failed"] = Failed,
        ["created"] = new DurableCreated("User.ICounter", "User.Counter", Code, [1, 2, 3], Policy),
        ["applied-with-state"] = Saved,
        ["applied-for-replay"] = Unsaved,
        ["snapshot"] = new DurableSnapshot(new DurableCreated("User.ICounter", "User.Counter", Code, [1], Policy), [9, 9], [Unsaved], [Saved with { State = null }, Unsaved]),
    };

    /// <summary>A value-equal description (records compare arrays and lists by reference).</summary>
    private static string Describe(object message) => message switch
    {
        CreateDurable m => $"{m.Name} {m.Interface} {m.TypeName} {Describe(m.Package)} {Hex(m.State)} {m.Policy}",
        InvokeDurable m => $"{m.Name} {m.Client} {m.Sequence} {m.Method} {Hex(m.Arguments)}",
        DurableReply m => $"{Hex(m.Result)} {m.Failure} {m.RemoteType} {m.RemoteMessage} {m.RemoteStackTrace} {m.Executor}",
        DurableCreated m => $"{m.Interface} {m.TypeName} {Describe(m.Package)} {Hex(m.State)} {m.Policy}",
        DurableCallApplied m => $"{m.Key} {m.Method} {Hex(m.Arguments)} {Describe(m.Reply)} {(m.State is null ? "-" : Hex(m.State))}",
        DurableSnapshot m => $"{Describe(m.Created)} {Hex(m.State)} [{string.Join("; ", m.Unsaved.Select(Describe))}] [{string.Join("; ", m.Recent.Select(Describe))}]",
        DurableCode m => $"{m.EntryAssembly} [{string.Join("; ", m.Files)}]",
        _ => message.ToString()!,
    };

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}

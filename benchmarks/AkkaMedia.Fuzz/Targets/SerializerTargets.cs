using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using AkkaMedia.Deployment;
using AkkaMedia.Diagnostics;
using AkkaMedia.Frames;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.Serialization;

namespace AkkaMedia.Fuzz.Targets;

/// <summary>
/// The four message serializers of the remoting layer. An input is one manifest selector byte followed by the payload,
/// so every manifest sees every payload; the seeds are real messages as the serializer writes them.
/// </summary>
internal static class SerializerTargets
{
    private const string Sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static FuzzTarget Frame(FuzzEnvironment environment) => Create(
        "frame",
        new FrameSerializer(environment.System),
        [
            new AudioFrame(new float[] { 0f, 0.5f, -1f, 1f }, 48000, 2, 7, TimeSpan.FromMilliseconds(20)),
            new AudioFrame(ReadOnlyMemory<float>.Empty, 16000, 1, 0, TimeSpan.Zero),
            new VideoFrame(new byte[24], 4, 4, PixelFormat.I420, 4, 1, TimeSpan.FromSeconds(1)),
            new VideoFrame(new byte[48], 4, 4, PixelFormat.Rgb24, 12, 2, TimeSpan.Zero),
            new TextFrame("héllo wörld", 3, TimeSpan.FromTicks(5)),
            new BytesFrame(new byte[] { 1, 2, 3 }, 4, TimeSpan.Zero),
        ]);

    public static FuzzTarget Protocol(FuzzEnvironment environment)
    {
        var client = environment.System.DeadLetters;
        var open = new OpenSession("session-1", "Gain", "gain = 2", RemoteTransport.MediaLink, null, client, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k=v");
        var opened = new SessionOpened("session-1", null, client, "10.0.0.1:4100");
        var refused = new SessionRefused("session-2", RefusalReason.AtCapacity, "full");
        return Create(
            "protocol",
            new ProtocolSerializer(environment.System),
            [
                open,
                open with { TraceParent = null, TraceState = null },
                open with { Checkpoints = new CheckpointPolicy(100, TimeSpan.FromSeconds(1)) },
                opened,
                refused,
                new CloseSession("session-1"),
                GetExecutorStatus.Instance,
                new ExecutorStatus("akka.tcp://media@10.0.0.1:4053", 3, 16, true),
                StreamHeartbeat.Instance,
                new OpenSessions([open, open with { SessionId = "session-3" }], client),
                new SessionsAnswered([opened], [refused]),
                new StageCheckpoint(10, 9, [1, 2, 3, 4]),
            ]);
    }

    public static FuzzTarget Deployment(FuzzEnvironment environment)
    {
        var entries = new[] { new PackageEntry("App.dll", "1.0.0", Sha, 4096), new PackageEntry("Dep.dll", "2.1.0", Sha, 12), new PackageEntry("libdep.so", "2.1.0", Sha, 34_824_680, PackageEntryKind.NativeLibrary) };
        return Create(
            "deployment",
            new DeploymentSerializer(environment.System),
            [
                new OfferPackage("upload-1", "App.dll", entries),
                new PackageNeeds("upload-1", [Sha, Sha]),
                new PackageChunk(1, [1, 2, 3, 4, 5]),
                new PackageUploaded("upload-1", 2, 4108),
                new PackageRejected("upload-1", "too large"),
            ]);
    }

    public static FuzzTarget ObjectSession(FuzzEnvironment environment)
    {
        var client = environment.System.DeadLetters;
        var entries = new[] { new PackageEntry("App.dll", "1.0.0", Sha, 4096), new PackageEntry("libdep.so", "2.1.0", Sha, 14_632, PackageEntryKind.NativeLibrary) };
        var trace = new TraceContext("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", null);
        return Create(
            "object-session",
            new ObjectSessionSerializer(environment.System),
            [
                new OpenObjectSession("session-1", "App.dll", entries, [1, 2, 3], TimeSpan.FromSeconds(5), client, trace),
                new OpenObjectSession("session-1", "App.dll", entries, [], TimeSpan.FromSeconds(5), client),
                new ObjectSessionOpened("session-1", client, TimeSpan.FromSeconds(5), "10.0.0.1:4100"),
                new ObjectSessionOpened("session-1", client, TimeSpan.FromSeconds(5)),
                new OpenNodeSession("session-2", "App.dll", entries, [9, 9], RemoteTransport.MediaLink, null, client, trace) { Checkpoints = new CheckpointPolicy(10, TimeSpan.FromSeconds(2)) },
                new InvokeObject(1, "Add(System.Int32)", [1, 0, 0, 0]),
                new GetObjectState(2),
                new CallSucceeded(3, [4, 5]),
                new CallFailed(4, CallFailure.UserException, "System.InvalidOperationException", "boom", "   at Calculator.Add()"),
            ]);
    }

    private static FuzzTarget Create(string name, SerializerWithStringManifest serializer, IReadOnlyList<object> samples)
    {
        var manifests = samples.Select(serializer.Manifest).Distinct().ToArray();
        var seeds = samples.Select(s => (byte[])[(byte)Array.IndexOf(manifests, serializer.Manifest(s)), .. serializer.ToBinary(s)]).ToList();
        return new FuzzTarget(
            name,
            seeds,
            input =>
            {
                if (input.Length == 0)
                {
                    return;
                }

                _ = serializer.FromBinary(input[1..], manifests[input[0] % manifests.Length]);
            },
            [typeof(SerializationException)],
            FuzzTargets.Words("akka://fuzz/deadLetters", "akka://fuzz/user/a", "akka.tcp://x@h:1/user/b", "\0", "\u0080"));
    }
}

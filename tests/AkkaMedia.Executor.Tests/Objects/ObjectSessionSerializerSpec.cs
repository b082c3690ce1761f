using Akka.Actor;
using Akka.Serialization;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Remote;
using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Diagnostics;
using AkkaMedia.Serialization;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Tests.Objects;

public sealed class ObjectSessionSerializerSpec() : Akka.TestKit.Xunit2.TestKit(AkkaMediaConfig.Default)
{
    private static readonly PackageEntry Entry = new("UserCalc", "1.2.3.4", new string('a', 64), 4096);
    private static readonly TraceContext Trace = new("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=1");

    [Fact]
    public async Task Every_object_session_message_must_use_the_object_session_serializer_and_round_trip()
    {
        var probe = CreateTestProbe();
        var input = await Source.Single((object)1).RunWith(StreamRefs.SourceRef<object>(), Sys.Materializer());
        byte[] payload = [1, 2, 3, 0, 255];
        var messages = new List<object>
        {
            new OpenObjectSession("s-1", "UserCalc", [Entry, new PackageEntry("Dep", "0.0.0.0", new string('b', 64), 1)], payload, TimeSpan.FromSeconds(3), probe.Ref),
            new ObjectSessionOpened("s-1", probe.Ref, TimeSpan.FromSeconds(30)),
            new ObjectSessionOpened("s-1", probe.Ref, TimeSpan.FromSeconds(30), "127.0.0.1:4100"),
            new OpenNodeSession("s-2", "UserNodes", [Entry], payload, RemoteTransport.StreamRefs, input, probe.Ref),
            new OpenNodeSession("s-3", "UserNodes", [], [], RemoteTransport.MediaLink, null, probe.Ref),
            new OpenObjectSession("s-4", "UserCalc", [Entry], payload, TimeSpan.Zero, probe.Ref, Trace),
            new OpenNodeSession("s-5", "UserNodes", [Entry], payload, RemoteTransport.StreamRefs, input, probe.Ref, Trace),
            new OpenNodeSession("s-6", "UserNodes", [], [], RemoteTransport.MediaLink, null, probe.Ref, Trace with { State = null }),
            new OpenNodeSession("s-7", "UserNodes", [Entry], payload, RemoteTransport.MediaLink, null, probe.Ref) { Checkpoints = new CheckpointPolicy(7, TimeSpan.FromMilliseconds(250)) },
            new OpenNodeSession("s-8", "UserNodes", [Entry], payload, RemoteTransport.MediaLink, null, probe.Ref, Trace) { Checkpoints = new CheckpointPolicy(1, TimeSpan.FromSeconds(2)) },
            new InvokeObject(7, "UserCalc.ICalculator::Add(System.Int32)", payload),
            new GetObjectState(8),
            new CallSucceeded(9, payload),
            new CallSucceeded(10, []),
            new CallFailed(11, CallFailure.UserException, "UserCalc.CalculatorException", "cannot divide", "   at UserCalc.Calculator.Divide(Int32 x)"),
            new CallFailed(12, CallFailure.Timeout, "System.TimeoutException", "too slow", string.Empty),
        };

        var serialization = Sys.Serialization;
        foreach (var message in messages)
        {
            var serializer = serialization.FindSerializerFor(message);
            Assert.IsType<ObjectSessionSerializer>(serializer);
            Assert.Equal(ObjectSessionSerializer.SerializerIdentifier, serializer.Identifier);

            var bytes = serializer.ToBinary(message);
            var back = serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));

            Assert.Equal(message.GetType(), back.GetType());
            AssertSame(message, back);
        }
    }

    [Fact]
    public void A_signed_session_request_must_round_trip_its_signature_with_or_without_trace_and_checkpoints()
    {
        var probe = CreateTestProbe();
        var signature = new PackageSignature("0123456789abcdef", Enumerable.Range(0, 64).Select(static i => (byte)i).ToArray());
        var checkpoints = new CheckpointPolicy(3, TimeSpan.FromMilliseconds(100));
        var messages = new object[]
        {
            new OpenObjectSession("s-1", "UserCalc", [Entry], [1], TimeSpan.Zero, probe.Ref) { Signature = signature },
            new OpenObjectSession("s-2", "UserCalc", [Entry], [1], TimeSpan.Zero, probe.Ref, Trace) { Signature = signature },
            new OpenNodeSession("s-3", "UserNodes", [Entry], [1], RemoteTransport.MediaLink, null, probe.Ref) { Signature = signature },
            new OpenNodeSession("s-4", "UserNodes", [Entry], [1], RemoteTransport.MediaLink, null, probe.Ref, Trace) { Signature = signature, Checkpoints = checkpoints },
            new OpenNodeSession("s-5", "UserNodes", [Entry], [1], RemoteTransport.MediaLink, null, probe.Ref) { Signature = signature, Checkpoints = checkpoints },
        };

        foreach (var message in messages)
        {
            var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
            var back = serializer.FromBinary(serializer.ToBinary(message), serializer.Manifest(message));

            AssertSame(message, back);
            var signed = back is OpenObjectSession o ? o.Signature : ((OpenNodeSession)back).Signature;
            Assert.Equal(signature.KeyId, signed!.KeyId);
            Assert.Equal(signature.Value, signed.Value);
        }
    }

    [Fact]
    public void A_session_request_outside_any_trace_must_keep_the_layout_it_had_before_trace_contexts()
    {
        var probe = CreateTestProbe();
        var untraced = new OpenObjectSession("s-1", "UserCalc", [Entry], [1, 2, 3], TimeSpan.FromSeconds(3), probe.Ref);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(untraced);
        var untracedBytes = serializer.ToBinary(untraced);
        var tracedBytes = serializer.ToBinary(untraced with { Trace = Trace });

        Assert.Equal(untracedBytes, tracedBytes[..untracedBytes.Length]);
        Assert.Equal(TraceContext.None, ((OpenObjectSession)serializer.FromBinary(untracedBytes, serializer.Manifest(untraced))).Trace);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(tracedBytes[..^1], serializer.Manifest(untraced)));
    }

    [Fact]
    public void An_opened_session_without_a_media_link_must_keep_the_layout_it_had_before_calls_went_over_the_link()
    {
        var probe = CreateTestProbe();
        var withoutLink = new ObjectSessionOpened("s-1", probe.Ref, TimeSpan.FromSeconds(30));
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(withoutLink);
        var withoutBytes = serializer.ToBinary(withoutLink);
        var withBytes = serializer.ToBinary(withoutLink with { LinkEndpoint = "10.0.0.5:4100" });

        Assert.Equal(withoutBytes, withBytes[..withoutBytes.Length]);
        Assert.Null(((ObjectSessionOpened)serializer.FromBinary(withoutBytes, serializer.Manifest(withoutLink))).LinkEndpoint);
        Assert.Equal("10.0.0.5:4100", ((ObjectSessionOpened)serializer.FromBinary(withBytes, serializer.Manifest(withoutLink))).LinkEndpoint);
    }

    [Fact]
    public void A_truncated_message_must_fail_with_a_serialization_exception()
    {
        var message = new InvokeObject(7, "UserCalc.ICalculator::Add(System.Int32)", [1, 2, 3]);
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes[..^2], serializer.Manifest(message)));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(bytes, "??"));
    }

    private static void AssertSame(object expected, object actual)
    {
        switch (expected, actual)
        {
            case (OpenObjectSession e, OpenObjectSession a):
                Assert.Equal((e.SessionId, e.EntryAssembly, e.CallTimeout, e.Client), (a.SessionId, a.EntryAssembly, a.CallTimeout, a.Client));
                Assert.Equal(e.Entries, a.Entries);
                Assert.Equal(e.Object, a.Object);
                Assert.Equal(e.Trace, a.Trace);
                Assert.Equal(e.Signature is null, a.Signature is null);
                break;
            case (OpenNodeSession e, OpenNodeSession a):
                Assert.Equal((e.SessionId, e.EntryAssembly, e.Client), (a.SessionId, a.EntryAssembly, a.Client));
                Assert.Equal(e.Entries, a.Entries);
                Assert.Equal(e.Node, a.Node);
                Assert.Equal((e.Transport, e.Input is null), (a.Transport, a.Input is null));
                Assert.Equal(e.Trace, a.Trace);
                Assert.Equal(e.Checkpoints, a.Checkpoints);
                Assert.Equal(e.Signature is null, a.Signature is null);
                break;
            case (InvokeObject e, InvokeObject a):
                Assert.Equal((e.CallId, e.Method), (a.CallId, a.Method));
                Assert.Equal(e.Arguments, a.Arguments);
                break;
            case (CallSucceeded e, CallSucceeded a):
                Assert.Equal(e.CallId, a.CallId);
                Assert.Equal(e.Result, a.Result);
                break;
            default:
                Assert.Equal(expected, actual);
                break;
        }
    }
}

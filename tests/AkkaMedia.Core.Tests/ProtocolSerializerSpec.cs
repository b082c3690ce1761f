using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Remote;
using AkkaMedia.Frames;
using AkkaMedia.Protocol;
using AkkaMedia.Serialization;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests;

public sealed class ProtocolSerializerSpec : Akka.TestKit.Xunit2.TestKit
{
    public ProtocolSerializerSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
    }

    public static TheoryData<string> WireTypes() =>
    [
        nameof(OpenSession), nameof(SessionOpened), nameof(SessionRefused), nameof(CloseSession),
        nameof(GetExecutorStatus), nameof(ExecutorStatus), nameof(StreamHeartbeat), nameof(OpenSessions), nameof(SessionsAnswered),
        nameof(StageCheckpoint), nameof(AudioFrame), nameof(VideoFrame), nameof(TextFrame), nameof(BytesFrame),
    ];

    [Theory]
    [MemberData(nameof(WireTypes))]
    public async Task Every_protocol_message_and_frame_must_use_a_dedicated_serializer_and_round_trip(string typeName)
    {
        var message = await Create(typeName);
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var expected = message is IMediaFrame ? typeof(FrameSerializer) : typeof(ProtocolSerializer);
        Assert.Equal(expected, serializer.GetType());

        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = Sys.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        Assert.Equal(message.GetType(), back.GetType());
        switch (message)
        {
            case OpenSession open:
                var openBack = (OpenSession)back;
                Assert.Equal((open.SessionId, open.NodeType, open.Settings, open.Client), (openBack.SessionId, openBack.NodeType, openBack.Settings, openBack.Client));
                Assert.NotNull(openBack.Input);
                break;
            case SessionOpened opened:
                var openedBack = (SessionOpened)back;
                Assert.Equal((opened.SessionId, opened.Session, opened.LinkEndpoint), (openedBack.SessionId, openedBack.Session, openedBack.LinkEndpoint));
                Assert.Null(openedBack.Output);
                break;
            case OpenSessions batch:
                var batchBack = (OpenSessions)back;
                Assert.Equal(batch.ReplyTo, batchBack.ReplyTo);
                Assert.Equal(
                    batch.Sessions.Select(m => (m.SessionId, m.NodeType, m.Settings, m.Transport, m.Client, m.TraceParent, m.TraceState, m.Input is null)),
                    batchBack.Sessions.Select(m => (m.SessionId, m.NodeType, m.Settings, m.Transport, m.Client, m.TraceParent, m.TraceState, m.Input is null)));
                break;
            case SessionsAnswered answers:
                var answersBack = (SessionsAnswered)back;
                Assert.Equal(
                    answers.Opened.Select(o => (o.SessionId, o.Session, o.LinkEndpoint, o.Output is null)),
                    answersBack.Opened.Select(o => (o.SessionId, o.Session, o.LinkEndpoint, o.Output is null)));
                Assert.Equal(answers.Refused, answersBack.Refused);
                break;
            case GetExecutorStatus or StreamHeartbeat:
                Assert.Same(message, back);
                break;
            case StageCheckpoint checkpoint:
                var checkpointBack = (StageCheckpoint)back;
                Assert.Equal((checkpoint.Inputs, checkpoint.Outputs), (checkpointBack.Inputs, checkpointBack.Outputs));
                Assert.Equal(checkpoint.State, checkpointBack.State);
                break;
            default:
                Assert.Equal(message, back);
                break;
        }
    }

    [Fact]
    public async Task An_open_session_request_must_carry_its_trace_context_and_keep_its_old_layout_without_one()
    {
        var input = await Source.Empty<object>().RunWith(StreamRefs.SourceRef<object>(), Sys.Materializer());
        var untraced = new OpenSession("s-1", "Echo", "delay = 250ms", RemoteTransport.StreamRefs, input, TestActor);
        var traced = untraced with { TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", TraceState = "vendor=1,other=x" };
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerFor(traced);
        var manifest = serializer.Manifest(traced);

        var tracedBytes = serializer.ToBinary(traced);
        var back = (OpenSession)serializer.FromBinary(tracedBytes, manifest);
        Assert.Equal((traced.TraceParent, traced.TraceState), (back.TraceParent, back.TraceState));
        Assert.Equal((traced.SessionId, traced.NodeType, traced.Settings, traced.Client), (back.SessionId, back.NodeType, back.Settings, back.Client));

        var noState = (OpenSession)serializer.FromBinary(serializer.ToBinary(traced with { TraceState = null }), manifest);
        Assert.Equal((traced.TraceParent, (string?)null), (noState.TraceParent, noState.TraceState));

        // Outside a trace the request is what it was before it could carry one: a prefix of the traced bytes, which
        // the reader takes as a request without a trace context.
        var untracedBytes = serializer.ToBinary(untraced);
        Assert.True(untracedBytes.Length < tracedBytes.Length);
        Assert.Equal(untracedBytes, tracedBytes[..untracedBytes.Length]);
        var old = (OpenSession)serializer.FromBinary(untracedBytes, manifest);
        Assert.Null(old.TraceParent);
        Assert.Null(old.TraceState);
        Assert.Throws<SerializationException>(() => serializer.FromBinary(tracedBytes[..^1], manifest));
    }

    [Fact]
    public void A_close_must_say_whether_the_clients_side_failed_and_read_the_older_id_only_layout_as_a_release()
    {
        var failed = new CloseSession("s-1", StreamFailed: true);
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerFor(failed);
        var manifest = serializer.Manifest(failed);

        var failedBytes = serializer.ToBinary(failed);
        Assert.Equal(failed, serializer.FromBinary(failedBytes, manifest));
        Assert.Equal(new CloseSession("s-1"), serializer.FromBinary(serializer.ToBinary(new CloseSession("s-1")), manifest));

        // Before the flag, a close was its id alone: the bytes without the last one.
        Assert.Equal(new CloseSession("s-1", StreamFailed: false), serializer.FromBinary(failedBytes[..^1], manifest));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([.. failedBytes, 0], manifest));
    }

    [Fact]
    public async Task An_open_session_request_must_name_its_transport_in_the_byte_older_requests_used_for_has_input()
    {
        var input = await Source.Empty<object>().RunWith(StreamRefs.SourceRef<object>(), Sys.Materializer());
        var overRefs = new OpenSession("s-1", "Echo", string.Empty, RemoteTransport.StreamRefs, input, TestActor);
        var overLink = new OpenSession("s-1", "Echo", string.Empty, RemoteTransport.MediaLink, null, TestActor);
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerFor(overLink);
        var manifest = serializer.Manifest(overLink);

        Assert.Equal(RemoteTransport.StreamRefs, ((OpenSession)serializer.FromBinary(serializer.ToBinary(overRefs), manifest)).Transport);
        var linkBytes = serializer.ToBinary(overLink);
        var back = (OpenSession)serializer.FromBinary(linkBytes, manifest);
        Assert.Equal((RemoteTransport.MediaLink, (object?)null), (back.Transport, (object?)back.Input));

        // Three length-prefixed strings ("s-1", "Echo", ""), then the transport: 0 is the media link, as "no input" was.
        var transportAt = 1 + 3 + 1 + 4 + 1;
        Assert.Equal(0, linkBytes[transportAt]);
        linkBytes[transportAt] = 7;
        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary(linkBytes, manifest));
        Assert.Contains("Unknown transport 7", unknown.Message);

        Assert.Throws<ArgumentException>(() => new OpenSession("s-1", "Echo", string.Empty, RemoteTransport.StreamRefs, null, TestActor));
        Assert.Throws<ArgumentException>(() => new OpenSession("s-1", "Echo", string.Empty, RemoteTransport.MediaLink, input, TestActor));
    }

    [Fact]
    public void An_open_session_request_with_failover_must_carry_its_checkpoint_policy_with_or_without_a_trace_context()
    {
        var plain = new OpenSession("s-1", "Echo", "delay = 250ms", RemoteTransport.MediaLink, null, TestActor);
        var policy = new CheckpointPolicy(25, TimeSpan.FromMilliseconds(400));
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerFor(plain);
        var manifest = serializer.Manifest(plain);

        foreach (var request in new[] { plain with { Checkpoints = policy }, plain with { Checkpoints = policy, TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } })
        {
            var bytes = serializer.ToBinary(request);
            var back = (OpenSession)serializer.FromBinary(bytes, manifest);
            Assert.Equal((request.Checkpoints, request.TraceParent, request.TraceState), (back.Checkpoints, back.TraceParent, back.TraceState));
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..^1], manifest));
        }

        Assert.Null(((OpenSession)serializer.FromBinary(serializer.ToBinary(plain), manifest)).Checkpoints);
    }

    [Fact]
    public void A_checkpoint_must_reject_truncation_and_negative_counts()
    {
        var checkpoint = new StageCheckpoint(12, 11, [1, 2, 3]);
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerFor(checkpoint);
        var manifest = serializer.Manifest(checkpoint);
        var bytes = serializer.ToBinary(checkpoint);

        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..length], manifest));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new StageCheckpoint(-1, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StageCheckpoint(0, -1, []));
    }

    [Fact]
    public void Protocol_serializer_must_reject_truncated_payloads_and_unknown_manifests()
    {
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerForType(typeof(SessionRefused));
        var bytes = serializer.ToBinary(new SessionRefused("s-1", RefusalReason.AtCapacity, "full"));
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..length], serializer.Manifest(new SessionRefused("x", RefusalReason.AtCapacity, "y"))));
        }

        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, "ZZ"));
        Assert.Contains("ZZ", unknown.Message);
    }

    [Fact]
    public void Every_refusal_reason_must_round_trip_as_its_pinned_wire_value_and_an_unknown_one_must_be_refused()
    {
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerForType(typeof(SessionRefused));
        var manifest = serializer.Manifest(new SessionRefused("x", RefusalReason.AtCapacity, "y"));

        // The values are the wire format: an executor and a client of different builds must agree on each.
        Assert.Equal(
            [(RefusalReason.AtCapacity, 1), (RefusalReason.UnknownNodeType, 2), (RefusalReason.BadSettings, 3), (RefusalReason.ShuttingDown, 4),
             (RefusalReason.TransportUnavailable, 5), (RefusalReason.CodeRejected, 6), (RefusalReason.RateLimited, 7)],
            Enum.GetValues<RefusalReason>().Select(r => (r, (int)r)));
        foreach (var reason in Enum.GetValues<RefusalReason>())
        {
            var refused = new SessionRefused("s-1", reason, $"refused: {reason}");
            Assert.Equal(refused, serializer.FromBinary(serializer.ToBinary(refused), manifest));
            var answers = new SessionsAnswered([], [refused]);
            var back = (SessionsAnswered)serializer.FromBinary(serializer.ToBinary(answers), serializer.Manifest(answers));
            Assert.Equal(refused, Assert.Single(back.Refused));
        }

        var bytes = serializer.ToBinary(new SessionRefused("s-1", RefusalReason.RateLimited, "m"));
        var at = Array.IndexOf(bytes, (byte)7);
        bytes[at] = 8;
        var unknown = Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes, manifest));
        Assert.Contains("Unknown refusal reason 8", unknown.Message);
    }

    [Fact]
    public async Task A_batch_of_session_requests_must_reject_truncation_anywhere_and_never_be_empty()
    {
        var batch = (OpenSessions)await Create(nameof(OpenSessions));
        var serializer = (ProtocolSerializer)Sys.Serialization.FindSerializerFor(batch);
        var manifest = serializer.Manifest(batch);
        var bytes = serializer.ToBinary(batch);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<SerializationException>(() => serializer.FromBinary(bytes[..length], manifest));
        }

        Assert.Throws<ArgumentException>(() => new OpenSessions([], TestActor));
        var answers = (SessionsAnswered)await Create(nameof(SessionsAnswered));
        var answerBytes = serializer.ToBinary(answers);
        for (var length = 0; length < answerBytes.Length; length++)
        {
            Assert.Throws<SerializationException>(() => serializer.FromBinary(answerBytes[..length], serializer.Manifest(answers)));
        }
    }

    private async Task<object> Create(string typeName)
    {
        switch (typeName)
        {
            case nameof(OpenSession):
                var input = await Source.Empty<object>().RunWith(StreamRefs.SourceRef<object>(), Sys.Materializer());
                return new OpenSession("s-1", "Echo", "delay = 250ms", RemoteTransport.StreamRefs, input, TestActor);
            case nameof(SessionOpened):
                return new SessionOpened("s-1", null, TestActor, "127.0.0.1:4100");
            case nameof(SessionRefused):
                return new SessionRefused("s-1", RefusalReason.UnknownNodeType, "Unknown node type 'X'. Known types: Echo.");
            case nameof(CloseSession):
                return new CloseSession("s-1", StreamFailed: true);
            case nameof(GetExecutorStatus):
                return GetExecutorStatus.Instance;
            case nameof(ExecutorStatus):
                return new ExecutorStatus("akka.tcp://media@127.0.0.1:4053", 3, 512, true);
            case nameof(StreamHeartbeat):
                return StreamHeartbeat.Instance;
            case nameof(OpenSessions):
                var members = await Source.Empty<object>().RunWith(StreamRefs.SourceRef<object>(), Sys.Materializer());
                return new OpenSessions(
                [
                    new OpenSession("b-1", "Echo", "delay = 250ms", RemoteTransport.MediaLink, null, TestActor),
                    new OpenSession("b-2", "Gain", string.Empty, RemoteTransport.StreamRefs, members, TestActor, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "vendor=1"),
                    new OpenSession("b-3", "Nope", "x = 1", RemoteTransport.MediaLink, null, TestActor, "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"),
                ], TestActor);
            case nameof(SessionsAnswered):
                var output = await Source.Empty<object>().RunWith(StreamRefs.SourceRef<object>(), Sys.Materializer());
                return new SessionsAnswered(
                    [new SessionOpened("b-1", null, TestActor, "127.0.0.1:4100"), new SessionOpened("b-2", output, TestActor)],
                    [new SessionRefused("b-3", RefusalReason.UnknownNodeType, "Unknown node type 'Nope'. Known types: Echo, Gain.")]);
            case nameof(StageCheckpoint):
                return new StageCheckpoint(1_000_000_007, 3, [9, 0, 255, 1]);
            case nameof(AudioFrame):
                return new AudioFrame(new[] { 0.25f, -1f, float.Epsilon, 0f }, 48000, 2, 7, TimeSpan.FromMilliseconds(140));
            case nameof(VideoFrame):
                return new VideoFrame(Enumerable.Range(0, 12).Select(i => (byte)i).ToArray(), 2, 2, PixelFormat.Rgb24, 6, 3, TimeSpan.FromSeconds(1));
            case nameof(TextFrame):
                return new TextFrame("hello ✓", 2, TimeSpan.FromSeconds(2));
            default:
                return new BytesFrame(new byte[] { 1, 2, 3 }, 9, TimeSpan.FromSeconds(3));
        }
    }
}

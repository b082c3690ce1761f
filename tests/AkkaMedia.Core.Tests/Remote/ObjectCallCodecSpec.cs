using System.Buffers;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;
using CsCheck;

namespace AkkaMedia.Core.Tests.Remote;

public sealed class ObjectCallCodecSpec
{
    private static readonly Gen<IObjectSessionMessage> Requests = Gen.OneOf(
        Gen.Select(Gen.Long, Gen.String, Gen.Byte.Array[0, 64]).Select(static (id, method, args) => (IObjectSessionMessage)new InvokeObject(id, method, args)),
        Gen.Long.Select(static id => (IObjectSessionMessage)new GetObjectState(id)));

    private static readonly Gen<IObjectSessionMessage> Replies = Gen.OneOf(
        Gen.Select(Gen.Long, Gen.Byte.Array[0, 64]).Select(static (id, result) => (IObjectSessionMessage)new CallSucceeded(id, result)),
        Gen.Select(Gen.Long, Gen.Int[1, 3], Gen.String, Gen.String, Gen.String)
            .Select(static (id, failure, type, message, stack) => (IObjectSessionMessage)new CallFailed(id, (CallFailure)failure, type, message, stack)));

    [Fact]
    public void Every_request_must_round_trip()
    {
        Requests.Sample(request => AssertSame(request, ObjectCallCodec.DecodeRequest(Encode(request, reply: false))));
    }

    [Fact]
    public void Every_reply_must_round_trip()
    {
        Replies.Sample(reply => AssertSame(reply, ObjectCallCodec.DecodeReply(Encode(reply, reply: true))));
    }

    /// <summary>The arguments and a result run to the end of the message (the link frames it): cuts before them are detected.</summary>
    [Fact]
    public void A_truncated_call_or_reply_must_fail_with_invalid_data_and_nothing_else()
    {
        Gen.Select(Requests, Gen.Int[1, 1000]).Sample((request, cut) =>
        {
            var bytes = Encode(request, reply: false);
            var fixedPart = request is InvokeObject invoke ? bytes.Length - invoke.Arguments.Length : bytes.Length;
            var length = fixedPart - 1 - (cut % fixedPart);
            Assert.Throws<InvalidDataException>(() => ObjectCallCodec.DecodeRequest(bytes.AsSpan(0, length)));
        });
        Gen.Select(Replies, Gen.Int[1, 1000]).Where(static (reply, _) => reply is CallFailed).Sample((reply, cut) =>
        {
            var bytes = Encode(reply, reply: true);
            var length = Math.Max(0, bytes.Length - 1 - (cut % bytes.Length));
            Assert.Throws<InvalidDataException>(() => ObjectCallCodec.DecodeReply(bytes.AsSpan(0, length)));
        });
    }

    [Fact]
    public void Any_bytes_must_decode_or_fail_with_invalid_data()
    {
        Gen.Byte.Array[0, 80].Sample(bytes =>
        {
            Decodes(() => ObjectCallCodec.DecodeRequest(bytes));
            Decodes(() => ObjectCallCodec.DecodeReply(bytes));
        });
    }

    [Fact]
    public void An_unknown_operation_or_outcome_must_name_a_version_mismatch()
    {
        var request = Encode(new GetObjectState(1), reply: false);
        request[0] = 9;
        var reply = Encode(new CallSucceeded(1, []), reply: true);
        reply[0] = 9;

        Assert.Contains("same AkkaMedia version", Assert.Throws<InvalidDataException>(() => ObjectCallCodec.DecodeRequest(request)).Message);
        Assert.Contains("same AkkaMedia version", Assert.Throws<InvalidDataException>(() => ObjectCallCodec.DecodeReply(reply)).Message);
    }

    [Fact]
    public void A_length_field_beyond_the_payload_must_be_refused_before_anything_is_allocated()
    {
        var bytes = Encode(new InvokeObject(3, "ICalc::Add(System.Int32)", [1, 2]), reply: false);
        BitConverter.TryWriteBytes(bytes.AsSpan(9), int.MaxValue);

        var error = Assert.Throws<InvalidDataException>(() => ObjectCallCodec.DecodeRequest(bytes));

        Assert.Contains("does not fit", error.Message);
    }

    private static void Decodes(Action decode)
    {
        try
        {
            decode();
        }
        catch (InvalidDataException)
        {
        }
    }

    private static byte[] Encode(IObjectSessionMessage message, bool reply)
    {
        var span = reply ? ObjectCallCodec.EncodeReply(message, out var rented) : ObjectCallCodec.EncodeRequest(message, out rented);
        var bytes = span.ToArray();
        ArrayPool<byte>.Shared.Return(rented);
        return bytes;
    }

    private static void AssertSame(IObjectSessionMessage expected, IObjectSessionMessage actual)
    {
        switch (expected, actual)
        {
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

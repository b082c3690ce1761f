using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AkkaMedia.Protocol.Codecs;

/// <summary>
/// The payloads of <see cref="Link.LinkMessageKind.Call"/> and <see cref="Link.LinkMessageKind.Reply"/>: a remote
/// object's requests and their outcomes as compact binary, little-endian, without the actor system's serializers
/// (user data inside, the arguments and the result, are already bytes of the session's own serializer).
/// </summary>
/// <remarks>
/// <para>Request: <c>[byte op][int64 call id]</c>, then for an invoke (op 1) <c>[int32 length][method key, UTF-8][arguments]</c>
/// (the arguments run to the end); a state snapshot (op 2) has nothing more.</para>
/// <para>Reply: <c>[byte outcome][int64 call id]</c>; outcome 0 is success, the result running to the end; otherwise it is
/// the <see cref="CallFailure"/> and three strings follow, each <c>[int32 length][UTF-8]</c>: the remote type, message and
/// stack trace.</para>
/// <para>Every read checks its lengths against the payload: a truncated or corrupt payload raises
/// <see cref="InvalidDataException"/>, never allocates more than the payload holds.</para>
/// </remarks>
internal static class ObjectCallCodec
{
    private const byte InvokeOp = 1;
    private const byte StateOp = 2;
    private const byte Succeeded = 0;

    /// <summary>Encodes <paramref name="request"/> (an <see cref="InvokeObject"/> or <see cref="GetObjectState"/>) into a rented buffer; the caller returns it to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static ReadOnlySpan<byte> EncodeRequest(IObjectSessionMessage request, out byte[] rented)
    {
        switch (request)
        {
            case InvokeObject invoke:
            {
                var methodLength = Encoding.UTF8.GetByteCount(invoke.Method);
                var length = 1 + 8 + 4 + methodLength + invoke.Arguments.Length;
                rented = ArrayPool<byte>.Shared.Rent(length);
                var span = rented.AsSpan(0, length);
                span[0] = InvokeOp;
                BinaryPrimitives.WriteInt64LittleEndian(span[1..], invoke.CallId);
                invoke.Arguments.CopyTo(WriteString(span[9..], invoke.Method, methodLength));
                return span;
            }

            case GetObjectState state:
            {
                rented = ArrayPool<byte>.Shared.Rent(9);
                var span = rented.AsSpan(0, 9);
                span[0] = StateOp;
                BinaryPrimitives.WriteInt64LittleEndian(span[1..], state.CallId);
                return span;
            }

            default:
                throw new ArgumentException($"Not a call request: {request.GetType().Name}.", nameof(request));
        }
    }

    /// <summary>Reads a request written by <see cref="EncodeRequest"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is truncated, has an unknown operation or trailing bytes.</exception>
    public static IObjectSessionMessage DecodeRequest(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 9)
        {
            throw new InvalidDataException($"A call of {payload.Length} bytes is truncated (at least 9 expected).");
        }

        var callId = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);
        switch (payload[0])
        {
            case StateOp when payload.Length == 9:
                return new GetObjectState(callId);
            case InvokeOp when payload.Length >= 13:
                var method = ReadString(payload[9..], out var rest, "method key");
                return new InvokeObject(callId, method, rest.ToArray());
            case StateOp or InvokeOp:
                throw new InvalidDataException($"A call of {payload.Length} bytes has the wrong length for operation {payload[0]}.");
            default:
                throw new InvalidDataException($"A call has unknown operation {payload[0]}; are client and executor on the same AkkaMedia version?");
        }
    }

    /// <summary>Encodes <paramref name="reply"/> (a <see cref="CallSucceeded"/> or <see cref="CallFailed"/>) into a rented buffer; the caller returns it to <see cref="ArrayPool{T}.Shared"/>.</summary>
    public static ReadOnlySpan<byte> EncodeReply(IObjectSessionMessage reply, out byte[] rented)
    {
        switch (reply)
        {
            case CallSucceeded done:
            {
                var length = 9 + done.Result.Length;
                rented = ArrayPool<byte>.Shared.Rent(length);
                var span = rented.AsSpan(0, length);
                span[0] = Succeeded;
                BinaryPrimitives.WriteInt64LittleEndian(span[1..], done.CallId);
                done.Result.CopyTo(span[9..]);
                return span;
            }

            case CallFailed failed:
            {
                var type = Encoding.UTF8.GetByteCount(failed.RemoteType);
                var message = Encoding.UTF8.GetByteCount(failed.RemoteMessage);
                var stack = Encoding.UTF8.GetByteCount(failed.RemoteStackTrace);
                var length = 9 + 12 + type + message + stack;
                rented = ArrayPool<byte>.Shared.Rent(length);
                var span = rented.AsSpan(0, length);
                span[0] = (byte)failed.Failure;
                BinaryPrimitives.WriteInt64LittleEndian(span[1..], failed.CallId);
                var rest = span[9..];
                rest = WriteString(rest, failed.RemoteType, type);
                rest = WriteString(rest, failed.RemoteMessage, message);
                WriteString(rest, failed.RemoteStackTrace, stack);
                return span;
            }

            default:
                throw new ArgumentException($"Not a call reply: {reply.GetType().Name}.", nameof(reply));
        }
    }

    /// <summary>Reads a reply written by <see cref="EncodeReply"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is truncated, has an unknown outcome or trailing bytes.</exception>
    public static IObjectSessionMessage DecodeReply(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 9)
        {
            throw new InvalidDataException($"A call's reply of {payload.Length} bytes is truncated (at least 9 expected).");
        }

        var callId = BinaryPrimitives.ReadInt64LittleEndian(payload[1..]);
        var outcome = payload[0];
        if (outcome == Succeeded)
        {
            return new CallSucceeded(callId, payload[9..].ToArray());
        }

        var failure = (CallFailure)outcome;
        if (!Enum.IsDefined(failure))
        {
            throw new InvalidDataException($"A call's reply has unknown outcome {outcome}; are client and executor on the same AkkaMedia version?");
        }

        var type = ReadString(payload[9..], out var rest, "remote type");
        var message = ReadString(rest, out rest, "remote message");
        var stack = ReadString(rest, out rest, "remote stack trace");
        if (!rest.IsEmpty)
        {
            throw new InvalidDataException($"A call's reply has {rest.Length} unexpected trailing bytes.");
        }

        return new CallFailed(callId, failure, type, message, stack);
    }

    private static Span<byte> WriteString(Span<byte> span, string value, int byteCount)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span, byteCount);
        Encoding.UTF8.GetBytes(value, span.Slice(4, byteCount));
        return span[(4 + byteCount)..];
    }

    private static string ReadString(ReadOnlySpan<byte> span, out ReadOnlySpan<byte> rest, string what)
    {
        if (span.Length < 4)
        {
            throw new InvalidDataException($"A call message is truncated before its {what}.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(span);
        if (length < 0 || length > span.Length - 4)
        {
            throw new InvalidDataException($"A call message's {what} of {length} bytes does not fit in the {span.Length - 4} that follow.");
        }

        rest = span[(4 + length)..];
        return Encoding.UTF8.GetString(span.Slice(4, length));
    }
}

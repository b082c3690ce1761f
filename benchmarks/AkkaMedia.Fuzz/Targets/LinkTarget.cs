using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Akka.Event;
using AkkaMedia.Frames;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Fuzz.Targets;

/// <summary>
/// The media link's receiving half (<see cref="LinkReader"/>) fed an input as the bytes a peer sent, in reads of
/// varying size: framing, message kinds, demand counts and data elements (through <see cref="LinkElementCodec"/>).
/// The reader never throws; its verdict is how it closes the link. A close as unreadable must come from an
/// <see cref="InvalidDataException"/> (a malformed message), never from another exception, which the reader logs as an
/// unexpected fault.
/// </summary>
internal static class LinkTarget
{
    private static readonly int[] ReadSizes = [4096, 1, 7, 64, 3, 65536];

    public static FuzzTarget Create(FuzzEnvironment environment)
    {
        var codec = new LinkElementCodec(environment.System.Serialization);
        var seeds = new List<byte[]>
        {
            Concat(
                Message(LinkMessageKind.Open, 1, Encoding.UTF8.GetBytes("session-1")),
                Message(LinkMessageKind.Demand, 1, BitConverter.GetBytes(16)),
                Data(codec, 1, new AudioFrame(new float[] { 0.25f, -0.5f }, 16000, 1, 0, TimeSpan.Zero)),
                Data(codec, 1, new TextFrame("hi", 1, TimeSpan.Zero)),
                Message(LinkMessageKind.Complete, 1, []),
                Message(LinkMessageKind.Probe, 0, BitConverter.GetBytes(123456789L)),
                Message(LinkMessageKind.ProbeReply, 0, BitConverter.GetBytes(123456789L))),
            Concat(
                Data(codec, 2, new BytesFrame(new byte[] { 1, 2, 3 }, 0, TimeSpan.Zero)),
                Message(LinkMessageKind.Failure, 2, Encoding.UTF8.GetBytes("node failed")),
                Message(LinkMessageKind.Cancel, 1, []),
                Message(LinkMessageKind.Close, 0, Encoding.UTF8.GetBytes("bye"))),
        };
        return new FuzzTarget("link", seeds, input => Read(codec, input), [typeof(InvalidDataException)], FuzzTargets.Words("A1", "T1", "B1", "V1"));
    }

    private static void Read(LinkElementCodec codec, byte[] input)
    {
        var receiver = new Receiver();
        var position = 0;
        var reads = 0;
        var reader = new LinkReader(receiver, (buffer, offset, count) =>
        {
            var size = Math.Min(Math.Min(count, input.Length - position), ReadSizes[(input.Length + reads++) % ReadSizes.Length]);
            input.AsSpan(position, size).CopyTo(buffer.AsSpan(offset));
            position += size;
            return size;
        }, codec, NoLogger.Instance);
        reader.Run();
        switch (receiver.Cause)
        {
            case null:
                throw new InvalidOperationException("The link reader returned without closing the link.");
            case InvalidDataException { InnerException: { } inner } when inner is not InvalidDataException:
                // The reader logs this one as an unexpected fault: the parser let something else than a clear rejection out.
                throw inner;
            case InvalidDataException rejected:
                throw rejected;
        }
    }

    private static byte[] Message(LinkMessageKind kind, int channel, byte[] payload)
    {
        var bytes = new byte[9 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 5 + payload.Length);
        bytes[4] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(5), channel);
        payload.CopyTo(bytes, 9);
        return bytes;
    }

    private static byte[] Data(LinkElementCodec codec, int channel, object element)
    {
        var encoded = codec.Encode(element);
        var payload = new byte[encoded.Length];
        encoded.WriteTo(payload);
        return Message(LinkMessageKind.Data, channel, payload);
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Stands in for the link: channels 1 and 2 are open, and the close is recorded.</summary>
    private sealed class Receiver : ILinkReceiver
    {
        private readonly Channel _channel = new();

        public Exception? Cause { get; private set; }

        public string Peer => "fuzz-peer";

        public bool IsClosed => Cause is not null;

        public void Close(Exception cause, bool peerGone = false) => Cause ??= peerGone ? new EndOfStreamException(cause.Message, cause) : cause;

        public void AnswerProbe(ReadOnlySpan<byte> stamp)
        {
        }

        public void ProbeAnswered(ReadOnlySpan<byte> stamp)
        {
        }

        public void Opened(int channel, string sessionId)
        {
        }

        public bool TryGetChannel(int channel, [MaybeNullWhen(false)] out ILinkChannel handler)
        {
            handler = channel is 1 or 2 ? _channel : null;
            return handler is not null;
        }
    }

    /// <summary>A stream channel that takes whatever arrives; calls and replies keep the interface's default (a rejection).</summary>
    private sealed class Channel : ILinkChannel
    {
        public void OnData(List<object> elements)
        {
            foreach (var element in elements)
            {
                (element as AudioFrame)?.Release();
            }
        }

        public void OnDemand(int count)
        {
        }

        public void OnComplete()
        {
        }

        public void OnFailure(string message)
        {
        }

        public void OnCancel()
        {
        }

        public void OnLinkLost(Exception cause)
        {
        }
    }
}

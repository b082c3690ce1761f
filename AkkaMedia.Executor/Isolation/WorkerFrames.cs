using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The handshake between an executor and a worker on their socket, before both wrap it in a media link: the worker says
/// it is <see cref="Ready"/> (its runtime and actor system are up), the executor sends one <see cref="Assign"/>, the
/// worker answers <see cref="Loaded"/> or <see cref="Refused"/>. Each frame is a little-endian 32-bit length, a kind byte
/// and the payload; a reader takes exactly one frame, so the media link's bytes that follow are left in the socket.
/// </summary>
internal static class WorkerFrames
{
    /// <summary>Worker → executor: ready for an assignment (no payload).</summary>
    public const byte Ready = 1;

    /// <summary>Executor → worker: a <see cref="WorkerAssignment"/>.</summary>
    public const byte Assign = 2;

    /// <summary>Worker → executor: the code loaded; payload: the node's name (UTF-8), empty for an object.</summary>
    public const byte Loaded = 3;

    /// <summary>Worker → executor: the code was refused; payload: why (UTF-8), the message the client gets.</summary>
    public const byte Refused = 4;

    /// <summary>The longest frame either side accepts (an assignment carries the shipped object).</summary>
    public const int MaxLength = 64 * 1024 * 1024;

    /// <summary>Writes one frame.</summary>
    public static async Task WriteAsync(Socket socket, byte kind, byte[] payload, CancellationToken cancel)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, 1 + payload.Length);
        frame[4] = kind;
        payload.CopyTo(frame, 5);
        var sent = 0;
        while (sent < frame.Length)
        {
            sent += await socket.SendAsync(frame.AsMemory(sent), SocketFlags.None, cancel).ConfigureAwait(false);
        }
    }

    /// <summary>Writes one frame whose payload is <paramref name="text"/> in UTF-8.</summary>
    public static Task WriteAsync(Socket socket, byte kind, string text, CancellationToken cancel) =>
        WriteAsync(socket, kind, Encoding.UTF8.GetBytes(text), cancel);

    /// <summary>Reads one frame: its kind and payload.</summary>
    /// <exception cref="EndOfStreamException">The peer closed the socket.</exception>
    /// <exception cref="InvalidDataException">The frame announces an impossible length.</exception>
    public static async Task<(byte Kind, byte[] Payload)> ReadAsync(Socket socket, CancellationToken cancel)
    {
        var header = new byte[5];
        await FillAsync(socket, header, cancel).ConfigureAwait(false);
        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is < 1 or > MaxLength)
        {
            throw new InvalidDataException($"A worker handshake frame announces {length} bytes.");
        }

        var payload = new byte[length - 1];
        await FillAsync(socket, payload, cancel).ConfigureAwait(false);
        return (header[4], payload);
    }

    private static async Task FillAsync(Socket socket, byte[] buffer, CancellationToken cancel)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancel).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException("The peer closed the worker's socket.");
            }

            read += n;
        }
    }
}

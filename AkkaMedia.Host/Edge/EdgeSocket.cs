using System.Net.WebSockets;
using System.Text;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// A server-side WebSocket as the edge's endpoints use it: whole messages up to a size limit, one reader (the receive
/// loop) and one writer (the send loop), and a close that does not wait forever for the peer.
/// </summary>
internal sealed class EdgeSocket(WebSocket socket, int maxMessageBytes)
{
    private byte[] _buffer = new byte[Math.Min(maxMessageBytes, 16 * 1024)];

    /// <summary>The socket itself.</summary>
    public WebSocket Socket => socket;

    private volatile bool _closeSent;

    /// <summary>Whether this side has sent (or given up sending) its close frame; read from any thread.</summary>
    public bool CloseSent => _closeSent;

    /// <summary>
    /// Reads one whole message. The returned bytes are valid until the next call. Null when the peer sent a close frame
    /// (or the connection ended).
    /// </summary>
    /// <exception cref="EdgeProtocolException">The message is longer than <c>max-message-bytes</c>.</exception>
    /// <exception cref="WebSocketException">The connection broke.</exception>
    public async ValueTask<(WebSocketMessageType Type, ReadOnlyMemory<byte> Bytes)?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                if (_buffer.Length >= maxMessageBytes)
                {
                    throw new EdgeProtocolException($"A message is longer than the limit of {maxMessageBytes} bytes (akka-media.edge.max-message-bytes): send audio in smaller packets, e.g. 20 ms each.");
                }

                Array.Resize(ref _buffer, Math.Min(maxMessageBytes, _buffer.Length * 2));
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                if (length > maxMessageBytes)
                {
                    throw new EdgeProtocolException($"A message is longer than the limit of {maxMessageBytes} bytes (akka-media.edge.max-message-bytes).");
                }

                return (result.MessageType, _buffer.AsMemory(0, length));
            }
        }
    }

    /// <summary>Sends one text message.</summary>
    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text).AsMemory(), WebSocketMessageType.Text, true, cancellationToken);

    /// <summary>Sends one binary message.</summary>
    public ValueTask SendBinaryAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        socket.SendAsync(bytes, WebSocketMessageType.Binary, true, cancellationToken);

    /// <summary>Sends the close frame (once); a connection that already broke is left as it is.</summary>
    public async Task CloseOutputAsync(WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        if (CloseSent || socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            _closeSent = true;
            return;
        }

        _closeSent = true;
        // The close reason is limited to 123 bytes of UTF-8 by the protocol.
        var text = reason;
        while (Encoding.UTF8.GetByteCount(text) > 123)
        {
            text = text[..^1];
        }

        try
        {
            await socket.CloseOutputAsync(status, text, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone; nothing left to tell it.
        }
    }
}

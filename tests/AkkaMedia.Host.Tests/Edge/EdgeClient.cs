using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>A test client of the edge's protocols: whole messages in and out, with a timeout on every wait.</summary>
internal sealed class EdgeClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly byte[] _buffer = new byte[1 << 20];

    private EdgeClient(ClientWebSocket socket) => Socket = socket;

    public ClientWebSocket Socket { get; }

    public static async Task<EdgeClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions>? configure = null)
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new EdgeClient(socket);
    }

    /// <summary>Connects and starts a <c>/media</c> session; returns the client and the <c>started</c> message's session id.</summary>
    public static async Task<(EdgeClient Client, string Session)> StartAsync(Uri uri, int sampleRate, int channels = 1)
    {
        var client = await ConnectAsync(uri);
        await client.SendTextAsync($$"""{"type":"start","sampleRate":{{sampleRate}},"channels":{{channels}},"encoding":"pcm16"}""");
        var started = await client.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, started.Type);
        using var json = JsonDocument.Parse(started.Text);
        Assert.Equal("started", json.RootElement.GetProperty("type").GetString());
        return (client, json.RootElement.GetProperty("session").GetString()!);
    }

    public Task SendTextAsync(string text) =>
        Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendBinaryAsync(byte[] bytes) =>
        Socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    /// <summary>The next whole message; a close shows as type Close with the status and reason.</summary>
    public async Task<Message> ReceiveAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        var length = 0;
        while (true)
        {
            var result = await Socket.ReceiveAsync(_buffer.AsMemory(length), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return new Message(WebSocketMessageType.Close, [], Socket.CloseStatus, Socket.CloseStatusDescription);
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return new Message(result.MessageType, _buffer[..length], null, null);
            }
        }
    }

    /// <summary>Receives until the close; returns everything before it and the close.</summary>
    public async Task<(List<Message> Before, Message Close)> ReceiveUntilCloseAsync()
    {
        var before = new List<Message>();
        while (true)
        {
            var message = await ReceiveAsync();
            if (message.Type == WebSocketMessageType.Close)
            {
                if (Socket.State == WebSocketState.CloseReceived)
                {
                    await Socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, CancellationToken.None);
                }

                return (before, message);
            }

            before.Add(message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Socket.State == WebSocketState.Open)
        {
            Socket.Abort();
        }

        Socket.Dispose();
        await Task.CompletedTask;
    }

    internal sealed record Message(WebSocketMessageType Type, byte[] Bytes, WebSocketCloseStatus? Status, string? Reason)
    {
        public string Text => Encoding.UTF8.GetString(Bytes);

        public JsonElement Json => JsonDocument.Parse(Bytes).RootElement;
    }
}

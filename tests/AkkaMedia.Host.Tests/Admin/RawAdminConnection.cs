using System.Net.Sockets;
using System.Text;

namespace AkkaMedia.Host.Tests.Admin;

/// <summary>A TCP connection to an admin server that a spec drives byte by byte: to send garbage, nothing, or read a tail.</summary>
internal sealed class RawAdminConnection : IDisposable
{
    private readonly TcpClient _client = new();
    private StreamReader? _reader;

    private RawAdminConnection()
    {
    }

    public static async Task<RawAdminConnection> ConnectAsync(int port)
    {
        var connection = new RawAdminConnection();
        await connection._client.ConnectAsync("127.0.0.1", port);
        connection._reader = new StreamReader(connection._client.GetStream(), new UTF8Encoding(false), false, 1024, leaveOpen: true);
        return connection;
    }

    public async Task SendAsync(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await _client.GetStream().WriteAsync(bytes);
        await _client.GetStream().FlushAsync();
    }

    /// <summary>The next line the server sends, or null when it closed the connection (or reset it).</summary>
    public async Task<string?> ReadLineAsync(TimeSpan timeout)
    {
        try
        {
            return await _reader!.ReadLineAsync().WaitAsync(timeout);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Completes when the server has closed the connection, having sent nothing more.</summary>
    /// <exception cref="TimeoutException">Still open after <paramref name="timeout"/>.</exception>
    public async Task ExpectClosedAsync(TimeSpan timeout)
    {
        var line = await ReadLineAsync(timeout);
        Assert.Null(line);
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _client.Dispose();
    }
}

using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.LoadTest;

/// <summary>
/// A raw TCP echo on a loopback port of the executor child, for the <c>floor</c> mode of the calls
/// scenario: every connection gets back each <see cref="MessageBytes"/>-byte message it sends, with async
/// socket reads and writes and nothing in between. What a round trip between the two processes costs
/// at least, without any framework.
/// </summary>
internal sealed class EchoServer : IDisposable
{
    public const int MessageBytes = 8;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    private EchoServer()
    {
    }

    /// <summary>The loopback port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Starts listening and accepting connections in the background.</summary>
    public static EchoServer Start()
    {
        var server = new EchoServer();
        server._listener.Start();
        _ = server.AcceptAsync();
        return server;
    }

    public void Dispose() => _listener.Stop();

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                _ = ServeAsync(client);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private static async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var buffer = new byte[MessageBytes];
            try
            {
                while (true)
                {
                    await stream.ReadExactlyAsync(buffer);
                    await stream.WriteAsync(buffer);
                }
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException)
            {
                // The driver closed its end.
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Host.Http;

namespace AkkaMedia.Host.Tests.Operations;

/// <summary>
/// The abuse limits of a node's HTTP server (and of the live edge, which shares it), from <c>akka-media.http</c>: a client
/// dribbling its headers is closed after <c>request-headers-timeout</c>, and connections beyond
/// <c>max-concurrent-connections</c> are closed as they arrive while the server keeps serving.
/// </summary>
public sealed class HttpLimitsSpec : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ActorSystem _system = ActorSystem.Create("http-limits", "akka.loglevel = WARNING");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate().WaitAsync(Timeout);

    [Fact]
    public async Task The_HTTP_server_must_close_a_client_that_does_not_finish_its_headers_within_request_headers_timeout()
    {
        await using var server = await StartAsync(Limits("request-headers-timeout = 1s"));
        using var slow = await ConnectAsync(server.Port);

        // A slowloris: the request line and one header, then nothing more.
        await slow.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: localhost\r\n"), SocketFlags.None);

        var answer = await ReadToEndAsync(slow);
        Assert.DoesNotContain("200 OK", answer, StringComparison.Ordinal);
        Assert.Equal("ok", (await GetAsync(server.Port, "/healthz")).Trim());
    }

    [Fact]
    public async Task The_HTTP_server_must_close_connections_beyond_max_concurrent_connections_and_serve_again_once_one_ends()
    {
        await using var server = await StartAsync(Limits("max-concurrent-connections = 1"));
        var holder = await ConnectAsync(server.Port);
        try
        {
            // The holder's request is answered on its kept-alive connection, so it is surely counted.
            await holder.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"), SocketFlags.None);
            var buffer = new byte[1024];
            Assert.Contains("200 OK", Encoding.ASCII.GetString(buffer, 0, await holder.ReceiveAsync(buffer, SocketFlags.None)), StringComparison.Ordinal);

            using var refused = await ConnectAsync(server.Port);
            await refused.SendAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n"), SocketFlags.None);
            Assert.DoesNotContain("200 OK", await ReadToEndAsync(refused), StringComparison.Ordinal);
        }
        finally
        {
            holder.Dispose();
        }

        // The holder is gone: its slot is free (Kestrel notices the close asynchronously).
        await AwaitAssertAsync(async () => Assert.Equal("ok", (await GetAsync(server.Port, "/healthz")).Trim()));
    }

    [Fact]
    public void HttpSettings_must_default_the_limits_and_refuse_bad_ones_naming_the_key()
    {
        var defaults = HttpSettings.Create(ConfigurationFactory.Empty);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), 1000L), (defaults.RequestHeadersTimeout, defaults.KeepAliveTimeout, defaults.MaxConcurrentConnections));

        foreach (var key in new[] { "request-headers-timeout = 0s", "keep-alive-timeout = 0s", "max-concurrent-connections = 0" })
        {
            var refused = Assert.Throws<ArgumentOutOfRangeException>(() => Limits(key));
            Assert.Equal("akka-media.http." + key[..key.IndexOf(' ', StringComparison.Ordinal)], refused.ParamName);
        }
    }

    private static HttpSettings Limits(string setting) =>
        HttpSettings.Create(ConfigurationFactory.ParseString($"akka-media.http {{ hostname = \"127.0.0.1\", port = 0, {setting} }}"));

    private Task<HttpServer> StartAsync(HttpSettings settings) => HttpServer.StartAsync(_system, settings);

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> GetAsync(int port, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}{path}"));
    }

    /// <summary>Everything the server sends until it closes the connection (a reset ends it too); fails if it stays open past the timeout.</summary>
    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return received.ToString();
    }

    private static async Task AwaitAssertAsync(Func<Task> assertion)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}

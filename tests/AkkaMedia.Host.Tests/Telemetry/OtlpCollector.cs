using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.Host.Tests.Telemetry;

/// <summary>
/// A stand-in OpenTelemetry collector for OTLP over HTTP (protobuf) on a free loopback port: records the path, content
/// type and body of every POST and answers 200 with an empty export response. Disposing stops it.
/// </summary>
internal sealed class OtlpCollector : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(string Path, string? ContentType, byte[] Body)> _requests = new();
    private readonly Task _serving;

    public OtlpCollector()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>The base URL, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> takes it.</summary>
    public string Endpoint { get; }

    /// <summary>The bodies received on <paramref name="path"/> (such as <c>/v1/traces</c>), in arrival order.</summary>
    public IReadOnlyList<byte[]> Bodies(string path) => _requests.Where(r => r.Path == path).Select(r => r.Body).ToList();

    /// <summary>Every request's path and content type, for messages.</summary>
    public string Describe() => string.Join(", ", _requests.Select(r => $"{r.Path} ({r.ContentType}, {r.Body.Length} bytes)"));

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _ = _serving.ContinueWith(static t => t.Exception, TaskScheduler.Default);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            _requests.Enqueue((context.Request.Url!.AbsolutePath, context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength64 = 0;
            context.Response.Close();
        }
    }
}

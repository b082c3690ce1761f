using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using AkkaMedia.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace AkkaMedia.Host.Http;

/// <summary>
/// The HTTP endpoints of a node (Kestrel, minimal APIs; HTTPS when <see cref="TlsSettings"/> are on), for orchestrators and Prometheus:
/// <list type="bullet">
/// <item><c>GET /healthz</c>: 200 <c>ok</c> while the process and its actor system run (503 once the system has stopped).</item>
/// <item><c>GET /readyz</c>: 200 when <see cref="NodeReadiness"/> says the node should receive work, otherwise 503; the body is
/// one line, <c>ready: …</c> or <c>not ready: reason</c>.</item>
/// <item><c>GET /metrics</c>: Prometheus text format of <see cref="MetricsExport"/>.</item>
/// </list>
/// Logs nothing to the console; Ctrl-C and SIGTERM do not stop it (the node disposes it when it has stopped).
/// </summary>
internal sealed class HttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly MetricsExport _metrics;

    private HttpServer(WebApplication app, MetricsExport metrics, Uri address)
    {
        _app = app;
        _metrics = metrics;
        Url = address.GetLeftPart(UriPartial.Authority);
        Port = address.Port;
    }

    /// <summary>The root URL the server answers on, <c>http://host:port</c> (<c>https://</c> with TLS) without a trailing slash (the actual port when 0 was asked).</summary>
    public string Url { get; }

    /// <summary>The port it listens on.</summary>
    public int Port { get; }

    /// <summary>Starts serving the endpoints of <paramref name="system"/>; <paramref name="configure"/> maps more of them (the edge's) on the same app.</summary>
    /// <exception cref="InvalidOperationException">The address cannot be listened on (port in use, unknown host); the message names it and how to choose another.</exception>
    public static async Task<HttpServer> StartAsync(ActorSystem system, HttpSettings settings, CancellationToken cancellationToken = default, Action<WebApplication>? configure = null)
    {
        var tls = TlsSettings.For(system);
        var builder = CreateBuilder(new IPEndPoint(Resolve(settings.Hostname, "akka-media.http.hostname / --http-hostname"), settings.Port), tls.IsEnabled ? tls.Certificate : null, settings);

        var metrics = new MetricsExport();
        var readiness = new NodeReadiness(system, settings.AskTimeout);
        var app = builder.Build();
        configure?.Invoke(app);
        app.MapGet("/healthz", () => system.WhenTerminated.IsCompleted
            ? Results.Text("the actor system has stopped\n", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok\n"));
        app.MapGet("/readyz", async () =>
        {
            var (ready, reason) = await readiness.CheckAsync().ConfigureAwait(false);
            return ready
                ? Results.Text($"ready: {reason}\n")
                : Results.Text($"not ready: {reason}\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        app.MapMetrics("/metrics", metrics.Registry);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            metrics.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"HTTP server cannot listen on {settings.Hostname}:{settings.Port}: {e.GetBaseException().Message} Choose another port with --http-port (0 = any free port).", e);
        }

        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://{settings.Hostname}:{settings.Port}";
        return new HttpServer(app, metrics, new Uri(bound));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stopping.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    /// <summary>
    /// A Kestrel app of the node's own on <paramref name="endpoint"/>: no console logging, no configuration files, and
    /// no reaction to Ctrl-C or SIGTERM (the node stops it after its own orderly stop). With <paramref name="certificate"/>,
    /// HTTPS only (and WSS for WebSocket), presenting it; clients are not asked for one (browsers and phones have none).
    /// The abuse limits of <paramref name="limits"/> (request headers timeout, keep-alive timeout, most connections) apply,
    /// those of <see cref="HttpSettings"/>' defaults when it is null.
    /// </summary>
    internal static WebApplicationBuilder CreateBuilder(IPEndPoint endpoint, X509Certificate2? certificate = null, HttpSettings? limits = null)
    {
        limits ??= new HttpSettings(true, endpoint.Address.ToString(), endpoint.Port, TimeSpan.FromSeconds(1));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(HttpServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, HostedLifetime>();
        builder.WebHost.UseKestrel(kestrel =>
        {
            // Slowloris and connection floods: a client dribbling its headers is answered 408 and closed, an idle
            // kept-alive connection is closed, and connections beyond the most are closed as they are accepted.
            kestrel.Limits.RequestHeadersTimeout = limits.RequestHeadersTimeout;
            kestrel.Limits.KeepAliveTimeout = limits.KeepAliveTimeout;
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConcurrentConnections;
            kestrel.Listen(endpoint, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        return builder;
    }

    /// <summary>The address to listen on for <paramref name="hostname"/>: a literal, loopback for localhost, else the first DNS answer.</summary>
    /// <exception cref="InvalidOperationException">It does not resolve; the message names <paramref name="setting"/>, the setting to fix.</exception>
    internal static IPAddress Resolve(string hostname, string setting)
    {
        if (IPAddress.TryParse(hostname, out var address))
        {
            return address;
        }

        if (hostname.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        try
        {
            return Dns.GetHostAddresses(hostname)[0];
        }
        catch (Exception e) when (e is SocketException or IndexOutOfRangeException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot resolve '{hostname}' ({setting}).", e);
        }
    }
}

using Akka.Event;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// The edge's HTTP surface on a Kestrel app: <c>/media</c> (and the other protocols' paths) upgrade to WebSocket after
/// <see cref="EdgeAdmission"/>; <c>/</c> and <c>/NAME</c> serve the browser client embedded in the host
/// (resources named <c>edge/wwwroot/NAME</c>).
/// </summary>
internal static class EdgeRoutes
{
    private const string ResourcePrefix = "edge/wwwroot/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".json"] = "application/json",
        [".map"] = "application/json",
        [".ts"] = "text/plain; charset=utf-8",
    };

    /// <summary>Maps the edge's endpoints for <paramref name="host"/>; <paramref name="app"/> must not have started.</summary>
    public static void Map(WebApplication app, EdgeHost host)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        MapProtocol(app, "/media", host, (socket, aborted) => new MediaEndpoint(host).RunAsync(socket, aborted));
        MapProtocol(app, "/twilio", host, (socket, aborted) => new Twilio.TwilioEndpoint(host).RunAsync(socket, aborted));
        app.MapGet("/", () => Page("index.html"));
        app.MapGet("/{file}", (string file) => Page(file));
    }

    /// <summary>Maps one WebSocket protocol at <paramref name="path"/>: admission, upgrade, then <paramref name="run"/> until the connection ends.</summary>
    public static void MapProtocol(WebApplication app, string path, EdgeHost host, Func<System.Net.WebSockets.WebSocket, CancellationToken, Task> run) =>
        app.Map(path, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsync($"{path} speaks WebSocket (docs/edge-protocol.md): connect with ws://{context.Request.Host}{path}\n").ConfigureAwait(false);
                return;
            }

            if (EdgeAdmission.Check(context.Request, host.Settings) is { } refusal)
            {
                host.Metrics.Refused(refusal.Status == StatusCodes.Status401Unauthorized ? "unauthorized" : "origin");
                context.Response.StatusCode = refusal.Status;
                await context.Response.WriteAsync(refusal.Reason + "\n").ConfigureAwait(false);
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            try
            {
                await host.RunConnectionAsync(() => run(socket, context.RequestAborted)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The HTTP server logs nothing: a defect must not end a connection without a line.
                host.Log.Error(e, "Edge connection on {0} failed inside the server", path);
                socket.Abort();
            }
        });

    private static IResult Page(string file)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null)
        {
            return Results.NotFound();
        }

        var type = ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream");
        return Results.Stream(stream, type);
    }
}

using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using AkkaMedia.Host.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json;

namespace AkkaMedia.Host.Hosting;

/// <summary>
/// This node's contact point for Cluster Bootstrap: <c>GET /bootstrap/seed-nodes</c> on the management port, answered the
/// way Akka.Management answers it (this node's address and the cluster's reachable Up, WeaklyUp and Joining members, as
/// JSON), so that nodes bootstrapping elsewhere find the cluster this one is in, or learn that there is none yet.
/// </summary>
/// <remarks>
/// Akka.Management's own HTTP server cannot start on the Ceen.Httpd build the package registry serves (a method it calls
/// is missing), so the node serves the route itself on Kestrel and hands Cluster Bootstrap its own base URI, the way
/// Akka.Management documents for routes bound by the application. 503 while this node is leaving or down, so nobody joins
/// through it.
/// </remarks>
internal sealed class ManagementEndpoint : IAsyncDisposable
{
    /// <summary>The bootstrap route, as Akka.Management names it.</summary>
    public const string SeedNodesPath = "/bootstrap/seed-nodes";

    /// <summary>Seed nodes a contact point exposes at most (Akka.Management's default).</summary>
    private const int MaxSeedNodes = 5;

    private readonly WebApplication _app;

    private ManagementEndpoint(WebApplication app, Uri baseUri)
    {
        _app = app;
        BaseUri = baseUri;
    }

    /// <summary>Where the others reach this contact point: <c>http://hostname:port/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Starts serving <see cref="SeedNodesPath"/> for <paramref name="system"/> on <paramref name="hostname"/>:<paramref name="port"/>.</summary>
    /// <exception cref="InvalidOperationException">The address cannot be listened on; the message says which flag to change.</exception>
    public static async Task<ManagementEndpoint> StartAsync(ActorSystem system, string hostname, int port)
    {
        var endpoint = new IPEndPoint(HttpServer.Resolve(hostname, "--hostname"), port);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ApplicationName = typeof(ManagementEndpoint).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, HostedLifetime>();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(endpoint));
        var app = builder.Build();
        app.MapGet(SeedNodesPath, () => SeedNodes(Cluster.Get(system)));
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"the management endpoint cannot listen on {hostname}:{port} ({e.GetBaseException().Message}); give a free --management-port.", e);
        }

        return new ManagementEndpoint(app, new Uri($"http://{hostname}:{port}/"));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stopping.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IResult SeedNodes(Cluster cluster)
    {
        // Before it joins, a node reads as Removed: it answers then, with no members, so that bootstrapping nodes learn
        // that no cluster exists yet. Leaving, gone or shut down: it answers 503, so nobody joins through it.
        if (cluster.IsTerminated || cluster.SelfMember.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving)
        {
            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        }

        var state = cluster.State;
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m) && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Take(MaxSeedNodes)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();

        // Newtonsoft with default settings: the shape Cluster Bootstrap's contact point probe reads back.
        var json = JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(cluster.SelfMember.UniqueAddress.Address, members));
        return Results.Text(json, "application/json");
    }
}

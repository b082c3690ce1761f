using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Host.Edge;
using AkkaMedia.Host.Http;
using AkkaMedia.Host.Pipelines;
using AkkaMedia;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>
/// An edge server in this process, as <c>akkamedia serve</c> runs it, on a free loopback port: a pipeline file written
/// from the given stages with a websocket source and sink, the edge routes and the node endpoints.
/// </summary>
internal sealed class EdgeServer : IAsyncDisposable
{
    private readonly string _directory;

    private EdgeServer(string directory, ActorSystem system, EdgeHost host, HttpServer http)
    {
        _directory = directory;
        System = system;
        Host = host;
        Http = http;
    }

    public ActorSystem System { get; }

    public EdgeHost Host { get; }

    public HttpServer Http { get; }

    /// <summary><c>ws://127.0.0.1:PORT</c> + <paramref name="path"/>.</summary>
    public Uri WebSocketUri(string path = "/media") => new($"ws://127.0.0.1:{Http.Port}{path}");

    /// <summary>Starts a server for <c>stages = [ stagesHocon ]</c> with <paramref name="edgeHocon"/> over <c>akka-media.edge</c>'s defaults.</summary>
    public static async Task<EdgeServer> StartAsync(string stagesHocon = "{ type = PassThrough }", string edgeHocon = "", int sampleRate = 48000, int channels = 1, NodeRegistry? registry = null)
    {
        var directory = Directory.CreateTempSubdirectory("edge-spec-").FullName;
        var file = Path.Combine(directory, "pipeline.conf");
        await File.WriteAllTextAsync(file, $$"""
            pipeline {
              source { type = websocket, sample-rate = {{sampleRate}}, channels = {{channels}}, samples-per-frame = {{sampleRate / 50}} }
              stages = [ {{stagesHocon}} ]
              sink { type = websocket }
            }
            """);
        var pipeline = EdgePipeline.From(PipelineDefinition.Load(file, registry ?? BuiltInNodes.CreateRegistry()));
        var config = ConfigurationFactory.ParseString(edgeHocon).WithFallback(AkkaMediaConfig.Default);
        var system = ActorSystem.Create("edge-spec", config);
        var host = new EdgeHost(pipeline, EdgeSettings.Create(config), system);
        var http = await HttpServer.StartAsync(system, new HttpSettings(true, "127.0.0.1", 0, TimeSpan.FromSeconds(1)), CancellationToken.None, app => EdgeRoutes.Map(app, host));
        return new EdgeServer(directory, system, host, http);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Http.DisposeAsync();
        await System.Terminate();
        Directory.Delete(_directory, recursive: true);
    }
}

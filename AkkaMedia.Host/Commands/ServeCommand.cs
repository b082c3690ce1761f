using System.CommandLine;
using Akka.Actor;
using AkkaMedia.Host.Edge;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Host.Http;
using AkkaMedia.Host.Logs;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Host.Telemetry;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia serve PIPELINE.conf</c>: the live edge. Every WebSocket connection on <c>/media</c> (and <c>/twilio</c>) is one
/// session of the pipeline, whose file starts and ends at <c>websocket</c>; stages marked <c>remote = true</c> run on
/// executors of the cluster at <c>--seeds</c>. Serves the browser client at <c>/</c> and <c>/healthz</c>, <c>/readyz</c>,
/// <c>/metrics</c> on the same port. Prints one line <c>READY http://host:port …</c> once it listens; runs until Ctrl-C or
/// SIGTERM, then closes every session (1001) and leaves the cluster. Exit code 0 after a stop signal, 1 when it cannot
/// listen or start, 2 when the file or the arguments are wrong (docs/edge-protocol.md).
/// </summary>
internal static class ServeCommand
{
    /// <summary>The port <c>serve</c> listens on unless told otherwise.</summary>
    public const int DefaultPort = 8080;

    public static Command Create()
    {
        var file = new Argument<string>("PIPELINE.conf") { Description = "A pipeline file whose source and sink are { type = websocket } (see hocon/pipelines/live-*.conf)." };
        var seeds = CommonOptions.Seeds("Seed nodes of the executor cluster (host:port, or akka.tcp://media@host:port or with --tls akka.ssl.tcp://media@host:port). Needed when a stage is remote.");
        var hostname = new Option<string>("--hostname") { Description = "Address this node listens on for the cluster (executors connect back to it).", DefaultValueFactory = _ => "127.0.0.1" };
        var httpPort = new Option<int>("--http-port") { Description = $"Port of the page, the WebSocket endpoints and /healthz, /readyz, /metrics (0 = any free port).", DefaultValueFactory = _ => DefaultPort };
        CommonOptions.Require(httpPort, port => port is >= 0 and <= 65535, "--http-port must be between 0 and 65535 (0 = any free port).");
        var httpHostname = new Option<string>("--http-hostname") { Description = "Address the page and the WebSocket endpoints listen on (0.0.0.0 for every interface).", DefaultValueFactory = _ => "127.0.0.1" };
        var maxSessions = new Option<int?>("--max-sessions") { Description = "Sessions at once; one more is told to try again later (close 1013). Default: akka-media.edge.max-sessions (100)." };
        CommonOptions.Require(maxSessions, n => n is null or > 0, "--max-sessions must be a positive number of sessions.");
        var config = CommonOptions.ConfigFile();
        var logFormat = CommonOptions.LogFormat();
        var discovery = new DiscoveryOptions(formsCluster: false);
        var command = new Command("serve", "Serve a pipeline to live clients over WebSocket: browsers (the page at /), apps (/media) and phone calls (/twilio).")
        {
            file, seeds, hostname, httpPort, httpHostname, maxSessions, config, logFormat,
        };
        discovery.AddTo(command);
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(file)!,
            new ClusterNodeOptions(parse.GetValue(hostname)!, 0, CommonOptions.Split(parse.GetValue(seeds)), ["client", "edge"], parse.GetValue(config))
            {
                LogFormat = parse.GetValue(logFormat),
                HttpPort = parse.GetValue(httpPort),
                HttpHostname = parse.GetValue(httpHostname),
                Discovery = discovery.Read(parse),
                Tls = tls.Read(parse),
            },
            parse.GetValue(maxSessions),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(
        string file,
        ClusterNodeOptions node,
        int? maxSessions,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        EdgePipeline pipeline;
        Akka.Configuration.Config config;
        EdgeSettings edge;
        HttpSettings http;
        LogFormat logFormat;
        TelemetrySettings telemetry;
        try
        {
            pipeline = EdgePipeline.From(PipelineDefinition.Load(file, HostNodes.CreateRegistry()));
            if (pipeline.HasRemoteStage && !node.JoinsCluster)
            {
                await stderr.WriteLineAsync($"serve: a stage of {file} is remote = true; give --seeds of a running executor cluster (akkamedia node), or --discovery.");
                return 2;
            }

            config = pipeline.HasRemoteStage
                ? node.ToConfig("client.conf")
                : (node.ConfigFile is { } extra ? HostConfig.LoadFile(extra) : Akka.Configuration.ConfigurationFactory.Empty)
                    .WithFallback(HostConfig.Embedded("demo.conf"))
                    .WithFallback(AkkaMediaConfig.Default);
            if (maxSessions is { } max)
            {
                config = Akka.Configuration.ConfigurationFactory.ParseString($"akka-media.edge.max-sessions = {max}").WithFallback(config);
            }

            edge = EdgeSettings.Create(config);
            var defaults = HttpSettings.Create(config);
            http = defaults with { Enabled = true, Port = node.HttpPort ?? DefaultPort, Hostname = node.HttpHostname ?? "127.0.0.1" };
            logFormat = HostLog.FormatOf(node.LogFormat, config);
            telemetry = TelemetrySettings.Create(config);
        }
        catch (Exception e) when (e is PipelineFileException or ArgumentException)
        {
            await stderr.WriteLineAsync($"serve: {e.Message}");
            return 2;
        }

        using var log = HostLog.Create(logFormat, stderr);
        using var export = OtlpExport.Start(telemetry, "serve", stderr);
        ActorSystem system;
        try
        {
            system = pipeline.HasRemoteStage ? ClusterNode.Start(config, log) : log.CreateSystem(ClusterNodeOptions.SystemName, config);
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"serve: could not start the node on {node.Hostname}: {e.GetBaseException().Message}");
            return 1;
        }

        var host = new EdgeHost(pipeline, edge, system);
        HttpServer? server = null;
        try
        {
            try
            {
                server = await HttpServer.StartAsync(system, http, cancellationToken, app => EdgeRoutes.Map(app, host));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException)
            {
                await stderr.WriteLineAsync($"serve: {e.Message}");
                return 1;
            }

            if (pipeline.HasRemoteStage)
            {
                try
                {
                    await ClusterFormation.StartAsync(system, node, selfJoin: false);
                }
                catch (InvalidOperationException e)
                {
                    await stderr.WriteLineAsync($"serve: {e.Message}");
                    return 1;
                }
            }

            var remote = pipeline.HasRemoteStage ? $"; remote stages on the cluster at {node.DescribeJoin()}" : string.Empty;
            await stdout.WriteLineAsync($"READY {server.Url} (pipeline {pipeline.Describe()}{remote}; page {server.Url}/, WebSocket {server.Url.Replace("http", "ws", StringComparison.Ordinal)}/media and /twilio)");
            try
            {
                await Task.WhenAny(Task.Delay(Timeout.Infinite, cancellationToken), system.WhenTerminated);
            }
            finally
            {
                await stdout.WriteLineAsync(cancellationToken.IsCancellationRequested
                    ? $"serve: stopping; closing {host.Sessions} session(s)"
                    : $"serve: the node stopped ({ClusterNode.StopReason(system)}); closing the sessions");
            }

            return cancellationToken.IsCancellationRequested ? 0 : 1;
        }
        finally
        {
            await host.DisposeAsync();
            if (server is not null)
            {
                await server.DisposeAsync();
            }

            await ClientExit.LeaveAsync(system);
        }
    }
}

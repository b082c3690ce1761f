using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Host.Http;
using AkkaMedia.Host.Logs;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Host.Progress;
using AkkaMedia.Host.Telemetry;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Spectre.Console;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia run PIPELINE.conf</c>: runs a pipeline described in a HOCON file, joining the cluster
/// at <c>--seeds</c> as a client when a stage is <c>remote = true</c>. Shows progress (frames, media time,
/// real-time factor) as a live bar when standard output is a terminal, else as a line every second, then a
/// summary line <c>run: done: N elements in T ms[, S s of audio (real-time factor R)][; wrote PATH]</c>. Log
/// lines go to standard error (<c>--log-format</c>). With <c>--http-port</c> and a remote stage, <c>/healthz</c>,
/// <c>/readyz</c> and <c>/metrics</c> (this client's round trips) are served while the pipeline runs, announced by a
/// first line <c>HTTP url</c>. Exit code 0 on success, 1 when the run failed (the reason names the stage or executor),
/// 2 when the file or the arguments are wrong (the message names file, line and key).
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("PIPELINE.conf") { Description = "The pipeline file (see hocon/pipelines/)." };
        var seeds = CommonOptions.Seeds("Seed nodes of the executor cluster (host:port, or akka.tcp://media@host:port or with --tls akka.ssl.tcp://media@host:port). Needed when a stage is remote.");
        var input = new Option<string?>("--input", "-i") { Description = "Replaces the path of the pipeline's file source." };
        var output = new Option<string?>("--output", "-o") { Description = "Replaces the path of the pipeline's file sink." };
        var hostname = new Option<string>("--hostname") { Description = "Address this client listens on (executors connect back to it).", DefaultValueFactory = _ => "127.0.0.1" };
        var transport = new Option<RemoteTransport?>("--transport") { Description = "How remote stages carry frames: StreamRefs or MediaLink (default from configuration)." };
        var config = CommonOptions.ConfigFile();
        var logFormat = CommonOptions.LogFormat();
        var discovery = new DiscoveryOptions(formsCluster: false);
        var httpPort = CommonOptions.HttpPort("While the pipeline runs, for a pipeline with a remote stage: /metrics then shows this client's remote round trips and frames. Default: off.");
        var httpHostname = CommonOptions.HttpHostname("Default: 127.0.0.1.");
        var command = new Command("run", "Run a pipeline described in a HOCON file; stages marked remote = true run on executors of the cluster at --seeds.")
        {
            file, seeds, input, output, hostname, transport, config, logFormat, httpPort, httpHostname,
        };
        discovery.AddTo(command);
        var tls = new TlsOptions();
        tls.AddTo(command);
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(file)!,
            new ClusterNodeOptions(parse.GetValue(hostname)!, 0, CommonOptions.Split(parse.GetValue(seeds)), ["client"], parse.GetValue(config))
            {
                LogFormat = parse.GetValue(logFormat),
                HttpPort = parse.GetValue(httpPort),
                HttpHostname = parse.GetValue(httpHostname),
                Discovery = discovery.Read(parse),
                Tls = tls.Read(parse),
            },
            parse.GetValue(input),
            parse.GetValue(output),
            parse.GetValue(transport),
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(
        string file,
        ClusterNodeOptions node,
        string? input,
        string? output,
        RemoteTransport? transport,
        TextWriter stdout,
        TextWriter stderr,
        CancellationToken cancellationToken)
    {
        PipelineDefinition pipeline;
        Akka.Configuration.Config config;
        LogFormat logFormat;
        HttpSettings? http = null;
        TelemetrySettings telemetry;
        try
        {
            pipeline = PipelineDefinition.Load(file, HostNodes.CreateRegistry(), input, output);
            if (PipelineEndpoints.IsConnection(pipeline.Source.Type) || PipelineEndpoints.IsConnection(pipeline.Sink.Type))
            {
                await stderr.WriteLineAsync($"run: {file} starts or ends at a websocket connection: serve it with akkamedia serve {file} (run reads and writes files).");
                return 2;
            }

            var remote = pipeline.Stages.Where(s => s.Remote).ToList();
            if (remote.Count > 0 && !node.JoinsCluster)
            {
                await stderr.WriteLineAsync($"run: stage {remote[0].Index + 1} ({remote[0].Descriptor.TypeName}) of {file} is remote = true; give --seeds of a running executor cluster (akkamedia node), or --discovery.");
                return 2;
            }

            config = remote.Count > 0
                ? node.ToConfig("client.conf")
                : HostConfig.Embedded("demo.conf").WithFallback(AkkaMediaConfig.Default);
            logFormat = HostLog.FormatOf(node.LogFormat, config);
            telemetry = TelemetrySettings.Create(config);
            if (remote.Count > 0)
            {
                http = HttpSettings.Create(config);
            }
            else if (node.HttpPort is not null)
            {
                await stderr.WriteLineAsync($"run: no stage of {file} is remote = true, so there is no cluster node to report on: --http-port is ignored.");
            }
        }
        catch (Exception e) when (e is PipelineFileException or ArgumentException)
        {
            await stderr.WriteLineAsync($"run: {e.Message}");
            return 2;
        }

        var hasRemote = pipeline.Stages.Any(s => s.Remote);
        using var log = HostLog.Create(logFormat, stderr);
        using var export = OtlpExport.Start(telemetry, "run", stderr);
        ActorSystem system;
        try
        {
            system = hasRemote ? ClusterNode.Start(config, log) : log.CreateSystem("media", config);
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"run: could not start the client node on {node.Hostname}: {e.GetBaseException().Message}");
            return 1;
        }

        IAsyncDisposable? progress = null;
        HttpServer? endpoints = null;

        // Set once the run ended well (or was cancelled): the client then leaves the cluster gracefully. Any other way out is
        // a failure, often an executor that died, and the client stops without waiting for the cluster to agree.
        var graceful = false;
        try
        {
            if (hasRemote)
            {
                try
                {
                    await ClusterFormation.StartAsync(system, node, selfJoin: false);
                }
                catch (InvalidOperationException e)
                {
                    await stderr.WriteLineAsync($"run: {e.Message}");
                    return 1;
                }
            }

            if (http is { Enabled: true })
            {
                try
                {
                    endpoints = await HttpServer.StartAsync(system, http, cancellationToken);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException)
                {
                    await stderr.WriteLineAsync($"run: {e.Message}");
                    return 1;
                }

                await stdout.WriteLineAsync($"HTTP {endpoints.Url}");
            }

            // No wait for membership here: remote stages wait for an executor themselves, up to
            // akka-media.remote.open-timeout, and then fail saying no node with the executor role answered.
            await stdout.WriteLineAsync($"run: {Describe(pipeline)}");
            var options = transport is null ? null : new RemoteStageOptions { Transport = transport };
            var graph = PipelineEndpoints.Paced(pipeline.Source.CreateSource!(pipeline.Source.Settings), pipeline.Source.Settings)
                .Via(pipeline.CreateStages(options));

            var counters = new RunCounters();
            progress = StartProgress(counters, MediaDuration.Of(pipeline.Source), stdout, log);
            var started = Stopwatch.GetTimestamp();
            var (killSwitch, summary) = graph
                .Via(pipeline.Sink.CreateSink!(pipeline.Sink.Settings))
                .ViaMaterialized(KillSwitches.Single<object>(), Keep.Right)
                .ToMaterialized(
                    Sink.Aggregate<object, (long Count, TimeSpan Media)>((0L, TimeSpan.Zero), (acc, element) =>
                    {
                        counters.Record(element);
                        return (acc.Count + 1, acc.Media + element switch
                        {
                            AudioFrame audio => audio.Duration,
                            _ => TimeSpan.Zero,
                        });
                    }),
                    Keep.Both)
                .Run(system.Materializer());
            await using var registration = cancellationToken.Register(() => killSwitch.Abort(new OperationCanceledException(cancellationToken)));
            // A client whose actor system stops under it (Akka.Remote stops a node whose TLS handshake failed) ends the run
            // with why, instead of waiting on a stream whose actors are gone.
            if (await Task.WhenAny(summary, system.WhenTerminated) != summary)
            {
                await StopProgressAsync();
                await stderr.WriteLineAsync($"run failed: this client stopped before the pipeline ended: {ClusterNode.StopReason(system)}.");
                return 1;
            }

            var (count, media) = await summary;
            var wall = Stopwatch.GetElapsedTime(started);
            await StopProgressAsync();
            var c = CultureInfo.InvariantCulture;
            var summaryText = string.Create(c, $"run: done: {count} elements in {wall.TotalMilliseconds:0} ms");
            if (media > TimeSpan.Zero)
            {
                summaryText += string.Create(c, $", {media.TotalSeconds:0.000} s of audio (real-time factor {wall / media:0.0000})");
            }

            if (pipeline.Sink.Path is { } path)
            {
                summaryText += $"; wrote {path}";
            }

            await stdout.WriteLineAsync(summaryText);
            graceful = true;
            return 0;
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C aborts the stream; whichever stage reports the abort (possibly wrapped), the run was cancelled.
            await StopProgressAsync();
            await stderr.WriteLineAsync("run: cancelled.");
            graceful = true;
            return 1;
        }
        catch (Exception e)
        {
            await StopProgressAsync();
            await stderr.WriteLineAsync($"run failed: {Explain(e)}");
            return 1;
        }
        finally
        {
            await StopProgressAsync();
            if (endpoints is not null)
            {
                await endpoints.DisposeAsync();
            }

            await (hasRemote && !graceful ? ClientExit.StopAfterFailureAsync(system) : ClientExit.LeaveAsync(system));
        }

        // The display ends (a bar draws its last state) before anything else is printed below it.
        async Task StopProgressAsync()
        {
            var running = progress;
            progress = null;
            if (running is not null)
            {
                await running.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The live bar when <paramref name="stdout"/> is the console on a terminal, else a line a second. The bar prints
    /// the log lines above itself when they would go to the same terminal (standard error not redirected).
    /// </summary>
    private static IAsyncDisposable StartProgress(RunCounters counters, TimeSpan? total, TextWriter stdout, HostLog log)
    {
        if (!ReferenceEquals(stdout, Console.Out) || Console.IsOutputRedirected)
        {
            return new PlainProgressDisplay(stdout, counters, total, TimeSpan.FromSeconds(1));
        }

        var sameTerminal = ReferenceEquals(log.Output.Writer, Console.Error) && !Console.IsErrorRedirected;
        return new LiveProgressDisplay(AnsiConsole.Console, counters, total, sameTerminal ? log.Output : null);
    }

    private static string Describe(PipelineDefinition pipeline) =>
        string.Join(" → ", new[] { $"{pipeline.Source.Type}{(pipeline.Source.Path is { } i ? $" '{i}'" : string.Empty)}" }
            .Concat(pipeline.Stages.Select(s => s.Remote ? $"{s.Descriptor.TypeName} (remote)" : s.Descriptor.TypeName))
            .Append($"{pipeline.Sink.Type}{(pipeline.Sink.Path is { } o ? $" '{o}'" : string.Empty)}"));

    /// <summary>
    /// A pipeline failure in one line: a remote stage's or node's own message, else the exception's type and message.
    /// An <see cref="AggregateException"/> (a task that gathered the failure, maybe more than once) reads as its causes,
    /// each said once.
    /// </summary>
    public static string Explain(Exception e)
    {
        if (e is AggregateException aggregate)
        {
            var causes = aggregate.Flatten().InnerExceptions.Select(Explain).Distinct().ToList();
            return causes.Count == 0 ? aggregate.Message : string.Join("; ", causes);
        }

        return e switch
        {
            RemoteStageException remote => remote.Message,
            NodeException node => node.Message,
            TimeoutException timeout => timeout.Message,
            _ => $"{e.GetType().Name}: {e.Message}",
        };
    }
}

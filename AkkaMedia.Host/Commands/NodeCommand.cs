using System.CommandLine;
using Akka.Actor;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Executor;
using AkkaMedia.Host.Admin;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Host.Http;
using AkkaMedia.Host.Logs;
using AkkaMedia.Host.Telemetry;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia node</c>: starts a cluster node (an executor when it has the <c>executor</c> role) and
/// runs until Ctrl-C or SIGTERM (or <c>cluster leave</c> of this node), then drains its executor (no new sessions;
/// running ones finish within <c>akka-media.executor.drain-timeout</c> or are failed) and leaves the cluster
/// gracefully; a second signal ends the process at once. Prints <c>READY address</c> once
/// the node is an up member, then <c>ADMIN host:port</c> where its admin server listens and, with HTTP endpoints on,
/// <c>HTTP http://host:port</c> (an explicit <c>--http-port</c> in use exits with code 1, like <c>--admin-port</c>). When the admin port asked
/// with <c>--admin-port</c> is in use the node exits with code 1; when the configured one (default 9110) is, it
/// warns and runs without an admin server. Exit code 0 after a graceful leave, 1 when the node could not start or
/// was removed from the cluster, 2 for bad arguments or configuration.
/// </summary>
internal static class NodeCommand
{
    /// <summary>The command's name on the command line.</summary>
    public const string Name = "node";

    /// <summary>Beyond the drain itself: leaving the cluster and stopping the actor system.</summary>
    private static readonly TimeSpan StopAllowance = TimeSpan.FromSeconds(30);

    public static Command Create()
    {
        var hostname = new Option<string>("--hostname") { Description = "Address to listen on and advertise.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Akka.Remote port (0 = any free port).", DefaultValueFactory = _ => 4053 };
        var seeds = CommonOptions.Seeds("Seed nodes to join (host:port, or akka.tcp://media@host:port or with --tls akka.ssl.tcp://media@host:port, comma separated). Without seeds the node starts a new cluster of its own.");
        var roles = new Option<string[]>("--roles")
        {
            Description = "Cluster roles of this node, comma separated. 'executor' runs remote stages.",
            DefaultValueFactory = _ => ["executor"],
            AllowMultipleArgumentsPerToken = true,
        };
        var config = CommonOptions.ConfigFile();
        var adminPort = CommonOptions.AdminPort();
        var adminHostname = CommonOptions.AdminHostname();
        var httpPort = CommonOptions.HttpPort();
        var httpHostname = CommonOptions.HttpHostname();
        var drainTimeout = new Option<double?>("--drain-timeout")
        {
            Description = "Seconds a stopping executor (SIGTERM, Ctrl-C, cluster leave) lets running sessions finish before it fails them (0 = at once). Default: akka-media.executor.drain-timeout (30 s).",
        };
        CommonOptions.Require(drainTimeout, seconds => seconds is null or (>= 0 and <= 86400), "--drain-timeout must be a number of seconds between 0 and 86400, e.g. --drain-timeout 30.");
        var isolation = new Option<string?>("--isolation")
        {
            Description = "Where shipped user code runs: in-process (checked by the reference policy, fastest) or process (a sandboxed worker process per session, with memory, CPU and process limits). Default: akka-media.executor.isolation (in-process).",
        };
        CommonOptions.Require(isolation, value => value is null or "in-process" or "process", "--isolation must be in-process or process, e.g. --isolation process.");
        var runAs = new Option<string?>("--run-as")
        {
            Description = "The user worker processes run as when this node runs as root: a user name or uid:gid; \"\" keeps the node's own user. Default: akka-media.executor.workers.run-as (nobody).",
        };
        var logFormat = CommonOptions.LogFormat();
        var discovery = new DiscoveryOptions(formsCluster: true);
        var command = new Command(Name, "Start an AkkaMedia cluster node; with the 'executor' role it runs remote stages for clients. It serves admin commands (akkamedia cmd) on --admin-port.")
        {
            hostname, port, seeds, roles, config, adminPort, adminHostname, httpPort, httpHostname, drainTimeout, isolation, runAs, logFormat,
        };
        discovery.AddTo(command);
        var tls = new TlsOptions();
        tls.AddTo(command);
        CommonOptions.Require(port, p => p is >= 0 and <= 65535, "--port must be between 0 and 65535.");
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var signals = StopSignals.Register(stop);
            return await RunAsync(
            new ClusterNodeOptions(
                parse.GetValue(hostname)!,
                parse.GetValue(port),
                CommonOptions.Split(parse.GetValue(seeds)),
                CommonOptions.Split(parse.GetValue(roles)),
                parse.GetValue(config))
            {
                AdminPort = parse.GetValue(adminPort),
                AdminHostname = parse.GetValue(adminHostname),
                HttpPort = parse.GetValue(httpPort),
                HttpHostname = parse.GetValue(httpHostname),
                DrainTimeout = parse.GetValue(drainTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Isolation = parse.GetValue(isolation),
                RunAs = parse.GetValue(runAs),
                LogFormat = parse.GetValue(logFormat),
                Discovery = discovery.Read(parse),
                Tls = tls.Read(parse),
            },
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            stop.Token);
        });
        return command;
    }

    public static async Task<int> RunAsync(ClusterNodeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Akka.Configuration.Config config;
        ExecutorSettings? executorSettings = null;
        AdminSettings adminSettings;
        HttpSettings httpSettings;
        LogFormat logFormat;
        TelemetrySettings telemetry;
        try
        {
            // The node handles Ctrl-C and SIGTERM itself (StopSignals) and then runs coordinated shutdown once, with the
            // drain; Akka.NET's own signal hook would run it on the signal thread, racing the node's orderly stop.
            config = Akka.Configuration.ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off")
                .WithFallback(options.ToConfig(options.Roles.Contains("executor") ? "executor.conf" : "client.conf"));
            if (options.Roles.Contains("executor"))
            {
                executorSettings = ExecutorSettings.Create(config);
                _ = AkkaMedia.Executor.Isolation.WorkerSettings.Create(config);
                config = WithDrainPhase(config, executorSettings.DrainTimeout);
            }

            adminSettings = AdminSettings.Create(config);
            httpSettings = HttpSettings.Create(config);
            logFormat = HostLog.FormatOf(options.LogFormat, config);
            telemetry = TelemetrySettings.Create(config);
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"node: {e.Message}");
            return 2;
        }

        using var log = HostLog.Create(logFormat, stderr);
        using var export = OtlpExport.Start(telemetry, Name, stderr);
        ActorSystem system;
        try
        {
            system = ClusterNode.Start(config, log);
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"node: could not start on {options.Hostname}:{options.Port}: {e.GetBaseException().Message}");
            return 1;
        }

        AdminServer? admin = null;
        HttpServer? http = null;
        try
        {
            var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
            if (adminSettings.Enabled)
            {
                try
                {
                    admin = AdminServer.Start(system, adminSettings);
                }
                catch (InvalidOperationException e) when (options.AdminPort is null)
                {
                    // The configured port (9110 unless a --config file says otherwise) is busy, e.g. a second node on this
                    // machine: the node runs without an admin server rather than not at all.
                    await stderr.WriteLineAsync($"node: running without an admin server: {e.Message}");
                }
                catch (InvalidOperationException e)
                {
                    await stderr.WriteLineAsync($"node: {e.Message}");
                    return 1;
                }
            }

            if (httpSettings.Enabled)
            {
                try
                {
                    http = await HttpServer.StartAsync(system, httpSettings, cancellationToken);
                    await stdout.WriteLineAsync($"node: HTTP endpoints on {http.Url} (/healthz, /readyz, /metrics)");
                }
                catch (InvalidOperationException e) when (options.HttpPort is null)
                {
                    // Turned on by configuration only: like the admin server, the node runs without it rather than not at all.
                    await stderr.WriteLineAsync($"node: running without HTTP endpoints: {e.Message}");
                }
                catch (InvalidOperationException e)
                {
                    await stderr.WriteLineAsync($"node: {e.Message}");
                    return 1;
                }
            }

            // Without seeds or discovery, a new cluster of its own: the bound address is known only now when --port is 0.
            try
            {
                await ClusterFormation.StartAsync(system, options, selfJoin: true);
            }
            catch (InvalidOperationException e)
            {
                await stderr.WriteLineAsync($"node: {e.Message}");
                return 1;
            }

            if (executorSettings is not null)
            {
                var executor = MediaExecutor.Start(system, HostNodes.CreateRegistry());
                AddDrainTask(system, executor, executorSettings.DrainTimeout, stdout);
            }

            await stdout.WriteLineAsync($"node: {address} roles [{string.Join(", ", options.Roles)}], joining {(options.JoinsCluster ? options.DescribeJoin() : address.ToString())}");
            await ClusterNode.WaitUpAsync(system, TimeSpan.FromSeconds(60), options.DescribeJoin(), cancellationToken);
            await stdout.WriteLineAsync($"READY {address}");
            if (admin is not null)
            {
                await stdout.WriteLineAsync($"ADMIN {admin.Endpoint}");
            }

            if (http is not null)
            {
                await stdout.WriteLineAsync($"HTTP {http.Url}");
            }

            await stdout.FlushAsync(cancellationToken);

            // Compare with the delay: ActorSystem.WhenTerminated is not one task instance over the system's life.
            var signalled = Task.Delay(Timeout.Infinite, cancellationToken);
            var stopped = await Task.WhenAny(system.WhenTerminated, signalled).ConfigureAwait(false);
            if (stopped != signalled)
            {
                if (CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterLeavingReason)
                {
                    // Asked to leave (cluster leave, from this node's admin server or another's): drained and left.
                    await stdout.WriteLineAsync("node: left the cluster; stopped");
                    return 0;
                }

                await stderr.WriteLineAsync($"node: stopped: {ClusterNode.StopReason(system)}.");
                return 1;
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"node: {e.Message}");
            return 1;
        }
        finally
        {
            // Stop the node first (draining its sessions), then the servers: /readyz reports the drain while it lasts.
            if (!system.WhenTerminated.IsCompleted)
            {
                await stdout.WriteLineAsync("node: leaving the cluster");
                var limit = (executorSettings?.DrainTimeout ?? TimeSpan.Zero) + ExecutorActor.AbortGrace + StopAllowance;
                try
                {
                    await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(limit).ConfigureAwait(false);
                    await stdout.WriteLineAsync("node: stopped");
                }
                catch (TimeoutException)
                {
                    await stderr.WriteLineAsync($"node: did not stop within {limit.TotalSeconds:0} s; exiting anyway.");
                }
            }

            if (http is not null)
            {
                await http.DisposeAsync();
            }

            if (admin is not null)
            {
                await admin.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Stretches the coordinated-shutdown phase that drains the executor to the drain timeout plus room to fail the
    /// remaining sessions, unless the configuration already allows longer.
    /// </summary>
    internal static Akka.Configuration.Config WithDrainPhase(Akka.Configuration.Config config, TimeSpan drainTimeout)
    {
        const string key = "akka.coordinated-shutdown.phases.before-service-unbind.timeout";
        var needed = drainTimeout + ExecutorActor.AbortGrace + TimeSpan.FromSeconds(5);
        var configured = config.HasPath(key) ? config.GetTimeSpan(key) : TimeSpan.Zero;
        return configured >= needed
            ? config
            : Akka.Configuration.ConfigurationFactory.ParseString($"{key} = {((long)needed.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture)}ms").WithFallback(config);
    }

    /// <summary>
    /// The executor's drain, run by coordinated shutdown however it starts (Ctrl-C, SIGTERM, <c>cluster leave</c> of this
    /// node from any admin server or member): no new sessions, running ones finish or fail at the timeout, then the
    /// node goes on to leave the cluster.
    /// </summary>
    private static void AddDrainTask(ActorSystem system, IActorRef executor, TimeSpan drainTimeout, TextWriter stdout) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "akka-media-drain", async () =>
        {
            await stdout.WriteLineAsync($"node: draining: new sessions are refused; running sessions have up to {drainTimeout.TotalSeconds:0.###} s to finish").ConfigureAwait(false);
            await stdout.FlushAsync().ConfigureAwait(false);
            try
            {
                var drained = await executor.Ask<ExecutorActor.Drained>(new ExecutorActor.Drain(drainTimeout), drainTimeout + ExecutorActor.AbortGrace + TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                await stdout.WriteLineAsync($"node: drained: {drained.Finished} session(s) finished, {drained.Failed} failed at the drain timeout").ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                await stdout.WriteLineAsync("node: drain did not complete; stopping anyway").ConfigureAwait(false);
            }

            return Akka.Done.Instance;
        });
}

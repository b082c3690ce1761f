using System.CommandLine;
using Akka.Actor;
using AkkaMedia.Executor;
using AkkaMedia.Host.Admin;
using AkkaMedia.Host.Hosting;
using AkkaMedia.Host.Logs;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia node</c>: starts a cluster node (an executor when it has the <c>executor</c> role) and
/// runs until Ctrl-C or SIGTERM, then leaves the cluster gracefully. Prints <c>READY address</c> once
/// the node is an up member, then <c>ADMIN host:port</c> where its admin server listens. When the admin port asked
/// with <c>--admin-port</c> is in use the node exits with code 1; when the configured one (default 9110) is, it
/// warns and runs without an admin server. Exit code 0 after a graceful leave, 1 when the node could not start or
/// was removed from the cluster, 2 for bad arguments or configuration.
/// </summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var hostname = new Option<string>("--hostname") { Description = "Address to listen on and advertise.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Akka.Remote port (0 = any free port).", DefaultValueFactory = _ => 4053 };
        var seeds = CommonOptions.Seeds("Seed nodes to join (host:port or akka.tcp://media@host:port, comma separated). Without seeds the node starts a new cluster of its own.");
        var roles = new Option<string[]>("--roles")
        {
            Description = "Cluster roles of this node, comma separated. 'executor' runs remote stages.",
            DefaultValueFactory = _ => ["executor"],
            AllowMultipleArgumentsPerToken = true,
        };
        var config = CommonOptions.ConfigFile();
        var adminPort = CommonOptions.AdminPort();
        var adminHostname = CommonOptions.AdminHostname();
        var logFormat = CommonOptions.LogFormat();
        var command = new Command("node", "Start an AkkaMedia cluster node; with the 'executor' role it runs remote stages for clients. It serves admin commands (akkamedia cmd) on --admin-port.")
        {
            hostname, port, seeds, roles, config, adminPort, adminHostname, logFormat,
        };
        CommonOptions.Require(port, p => p is >= 0 and <= 65535, "--port must be between 0 and 65535.");
        command.SetAction((parse, cancellationToken) => RunAsync(
            new ClusterNodeOptions(
                parse.GetValue(hostname)!,
                parse.GetValue(port),
                CommonOptions.Split(parse.GetValue(seeds)),
                CommonOptions.Split(parse.GetValue(roles)),
                parse.GetValue(config))
            {
                AdminPort = parse.GetValue(adminPort),
                AdminHostname = parse.GetValue(adminHostname),
                LogFormat = parse.GetValue(logFormat),
            },
            parse.InvocationConfiguration.Output,
            parse.InvocationConfiguration.Error,
            cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(ClusterNodeOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Akka.Configuration.Config config;
        ExecutorSettings? executorSettings = null;
        AdminSettings adminSettings;
        LogFormat logFormat;
        try
        {
            config = options.ToConfig(options.Roles.Contains("executor") ? "executor.conf" : "client.conf");
            if (options.Roles.Contains("executor"))
            {
                executorSettings = ExecutorSettings.Create(config);
            }

            adminSettings = AdminSettings.Create(config);
            logFormat = HostLog.FormatOf(options.LogFormat, config);
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"node: {e.Message}");
            return 2;
        }

        using var log = HostLog.Create(logFormat, stderr);
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

            if (options.Seeds.Count == 0)
            {
                // A new cluster of its own: join the bound address (known only now when --port is 0).
                Akka.Cluster.Cluster.Get(system).Join(address);
            }

            if (executorSettings is not null)
            {
                var executor = MediaExecutor.Start(system, BuiltInNodes.CreateRegistry());
                Akka.Actor.CoordinatedShutdown.Get(system).AddTask(Akka.Actor.CoordinatedShutdown.PhaseBeforeServiceUnbind, "akka-media-stop-accepting", () =>
                {
                    executor.Tell(ExecutorActor.StopAccepting.Instance);
                    return Task.FromResult(Akka.Done.Instance);
                });
            }

            await stdout.WriteLineAsync($"node: {address} roles [{string.Join(", ", options.Roles)}], joining {(options.Seeds.Count == 0 ? address.ToString() : string.Join(", ", options.Seeds.Select(ClusterNodeOptions.NormalizeSeed)))}");
            await ClusterNode.WaitUpAsync(system, TimeSpan.FromSeconds(60), cancellationToken);
            await stdout.WriteLineAsync($"READY {address}");
            if (admin is not null)
            {
                await stdout.WriteLineAsync($"ADMIN {admin.Endpoint}");
            }

            await stdout.FlushAsync(cancellationToken);

            var stopped = await Task.WhenAny(system.WhenTerminated, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
            if (stopped == system.WhenTerminated)
            {
                await stderr.WriteLineAsync("node: the actor system stopped (removed from the cluster?).");
                return 1;
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (TimeoutException e)
        {
            await stderr.WriteLineAsync($"node: {e.Message}");
            return 1;
        }
        finally
        {
            if (admin is not null)
            {
                await admin.DisposeAsync();
            }

            if (!system.WhenTerminated.IsCompleted)
            {
                await stdout.WriteLineAsync("node: leaving the cluster");
                await Akka.Actor.CoordinatedShutdown.Get(system).Run(Akka.Actor.CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                await stdout.WriteLineAsync("node: stopped");
            }
        }
    }
}

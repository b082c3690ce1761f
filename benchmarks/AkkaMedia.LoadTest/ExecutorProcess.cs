using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Executor;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.General;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The <c>executor</c> mode: an executor node serving <c>PassThrough</c>, started by the driver as a
/// child process. Talks to the driver through stdin/stdout lines: it prints <c>READY address</c> once
/// its cluster is up, answers <c>STATS</c> with a <see cref="ProcessStats"/> line, <c>MEMORY</c> with an
/// <see cref="ProcessMemory"/> line (after full collections) and <c>ECHO</c> with
/// <c>ECHO port</c>, the loopback port of an <see cref="EchoServer"/> it starts then. Exits when stdin
/// closes or the parent process is gone, so it never outlives the driver.
/// </summary>
internal static class ExecutorProcess
{
    public const string Ready = "READY ";

    public const string Echo = "ECHO ";

    /// <summary>How long a joining executor waits to be up before it gives up (the driver's own start timeout is longer).</summary>
    private static readonly TimeSpan MemberUpTimeout = TimeSpan.FromSeconds(50);

    public static async Task<int> RunAsync(LoadTestArguments arguments, TextWriter protocol)
    {
        var registry = new NodeRegistry()
            .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>("PassThrough", "Returns every frame unchanged", _ => new PassThroughNode<AudioFrame>()))
            .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
                "Echo", "The stateful node of the chaos scenario", c => new EchoNode(c.GetTimeSpan("delay"), c.GetFloat("decay")), "delay", "decay"));
        ActorSystem system;
        try
        {
            system = MediaActorSystem.Create(LoadTestConfig.SystemName, LoadTestConfig.Executor(arguments.Port, arguments.Settings));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"[executor] could not start its actor system: {e.GetType().Name}: {e.Message}");
            return 1;
        }

        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            MediaExecutor.Start(system, registry);
            var cluster = Cluster.Get(system);
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberUp(() => up.TrySetResult());

            // Downed while it joined (a loaded machine's start-up pause read as unreachable): it can never be up, so it
            // says so at once and its starter may try again, instead of waiting out the timeout.
            cluster.RegisterOnMemberRemoved(() => up.TrySetException(new InvalidOperationException("it was removed from the cluster (downed) while it joined")));
            // Several seeds (comma-separated): the first that answers lets it in, so a replacement whose first seed
            // died meanwhile (the chaos scenario kills the oldest executor while a replacement may still be joining)
            // still joins through another.
            if (arguments.Seed is null)
            {
                cluster.Join(cluster.SelfAddress);
            }
            else
            {
                cluster.JoinSeedNodes(arguments.Seed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Address.Parse).ToList());
            }
            try
            {
                await up.Task.WaitAsync(MemberUpTimeout);
            }
            catch (TimeoutException)
            {
                Console.Error.WriteLine($"[executor] {cluster.SelfAddress} was not up in the cluster of {arguments.Seed ?? "its own"} within {MemberUpTimeout.TotalSeconds:0} s; stopping.");
                return 1;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine($"[executor] {cluster.SelfAddress} did not join the cluster of {arguments.Seed ?? "its own"}: {e.Message}; stopping.");
                return 1;
            }

            lock (protocol)
            {
                protocol.WriteLine(Ready + cluster.SelfAddress);
                protocol.Flush();
            }

            _ = Task.Run(() => ServeStdin(protocol, stop));
            if (arguments.ParentPid != 0)
            {
                _ = WatchParentAsync(arguments.ParentPid, stop);
            }

            await stop.Task;
            return 0;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private static void ServeStdin(TextWriter protocol, TaskCompletionSource stop)
    {
        EchoServer? echo = null;
        try
        {
            while (Console.In.ReadLine() is { } line)
            {
                string? reply = null;
                switch (line.Trim())
                {
                    case "STATS":
                        reply = ProcessStats.OfThisProcess().Format();
                        break;
                    case "MEMORY":
                        reply = ProcessMemory.OfThisProcess().Format();
                        break;
                    case "ECHO":
                        echo ??= EchoServer.Start();
                        reply = Echo + echo.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                }

                if (reply is not null)
                {
                    lock (protocol)
                    {
                        protocol.WriteLine(reply);
                        protocol.Flush();
                    }
                }
            }
        }
        finally
        {
            echo?.Dispose();
        }

        Console.Error.WriteLine("[executor] stdin closed; stopping.");
        stop.TrySetResult();
    }

    private static async Task WatchParentAsync(int parentPid, TaskCompletionSource stop)
    {
        while (!stop.Task.IsCompleted)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            if (!IsAlive(parentPid))
            {
                Console.Error.WriteLine($"[executor] parent {parentPid} is gone; stopping.");
                stop.TrySetResult();
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

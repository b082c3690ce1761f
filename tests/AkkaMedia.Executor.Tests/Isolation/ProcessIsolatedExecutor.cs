using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.TestKit;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// An in-process executor whose shipped code runs in worker processes (<c>isolation = process</c>, one warm worker,
/// the default bubblewrap sandbox and cgroup limits, 192 MiB of memory per worker): real <c>AkkaMedia.Worker</c>
/// processes, started from this test's bin folder, as <c>akkamedia node --isolation process</c> runs them. Stopping the executor
/// kills every worker it started; a worker whose executor dies exits by itself when its socket closes.
/// </summary>
public sealed class ProcessIsolatedExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("""
    akka-media.executor.max-sessions = 8
    akka-media.executor.isolation = process
    akka-media.executor.workers.warm = 1
    akka-media.executor.workers.memory-limit = 192 MiB
    """))
{
    /// <summary>The pid of the worker serving session <paramref name="sessionId"/> (the executor's listing).</summary>
    public async Task<int> WorkerPidAsync(string sessionId)
    {
        var sessions = await Executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, TimeSpan.FromSeconds(5));
        var session = sessions.Single(s => s.SessionId == sessionId);
        Assert.Equal(SessionSummary.ProcessIsolation, session.Isolation);
        return session.WorkerPid ?? throw new InvalidOperationException($"Session {sessionId} has no worker.");
    }

    /// <summary>Whether process <paramref name="pid"/> still runs.</summary>
    public static bool IsRunning(int pid)
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

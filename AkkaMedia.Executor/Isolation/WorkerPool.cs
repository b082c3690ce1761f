using System.Collections.Concurrent;
using Akka.Event;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The executor's worker processes under <c>isolation = process</c>: one per session of shipped code, taken from
/// <c>workers.warm</c> workers started ahead (process, runtime and actor system already up, no package yet), each
/// take starting a replacement in the background; with none warm, a worker is started for the session.
/// Counts its workers (running, warm) and their kills by reason for <c>/metrics</c>, and knows which session each
/// serves for <c>media sessions</c>.
/// </summary>
/// <remarks>Thread-safe. Disposing kills every worker it started that still runs.</remarks>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long after a warm worker's death its replacement starts.</summary>
    private static readonly TimeSpan WarmReplaceDelay = TimeSpan.FromSeconds(1);

    private readonly WorkerSettings _settings;
    private readonly WorkerLauncher _launcher;
    private readonly ILoggingAdapter _log;
    private readonly ConcurrentQueue<SessionWorker> _warm = new();
    private readonly ConcurrentDictionary<SessionWorker, byte> _running = new();
    private readonly ConcurrentDictionary<string, SessionWorker> _bySession = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<WorkerKillReason, long> _kills = new();
    private readonly string _prefix;
    private readonly FileStream _claim;
    private long _nextId;
    private int _warming;
    private Task _refill = Task.CompletedTask;
    private int _disposed;

    private WorkerPool(WorkerSettings settings, WorkerLauncher launcher, ILoggingAdapter log, string prefix, FileStream claim)
    {
        _settings = settings;
        _launcher = launcher;
        _log = log;
        _prefix = prefix;
        _claim = claim;
    }

    /// <summary>The pool's settings.</summary>
    public WorkerSettings Settings => _settings;

    /// <summary>Worker processes alive now: warm, starting and serving sessions.</summary>
    public int Running => _running.Count;

    /// <summary>Warm workers waiting for a session (alive: one that died while it waited is not counted, and is replaced).</summary>
    public int Warm => _warm.Count(static w => !w.Process.Exited.IsCompleted);

    /// <summary>The process ids of the warm workers alive now (for specs).</summary>
    internal IReadOnlyList<int> WarmPids => [.. _warm.Where(static w => !w.Process.Exited.IsCompleted).Select(static w => w.Process.Pid)];

    /// <summary>Workers killed so far, by why.</summary>
    public IReadOnlyDictionary<WorkerKillReason, long> Kills => _kills;

    /// <summary>
    /// A pool with <paramref name="settings"/>, which starts its warm workers now, after removing what executors that
    /// ended without stopping their workers left in the workers' folder and cgroups (<see cref="WorkerLeftovers"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">The worker assembly is missing (the message names the fix).</exception>
    public static WorkerPool Start(WorkerSettings settings, ILoggingAdapter log)
    {
        var folder = settings.FolderOrDefault;
        Directory.CreateDirectory(folder);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var claim = WorkerLeftovers.Claim(folder, prefix);
        WorkerLauncher launcher;
        try
        {
            launcher = WorkerLauncher.Create(settings, log);
        }
        catch
        {
            WorkerLeftovers.Release(claim);
            throw;
        }

        var (folders, cgroups) = WorkerLeftovers.Sweep(folder, launcher.CgroupRoots, prefix);
        if (folders + cgroups > 0)
        {
            log.Info("Removed {0} worker folders and {1} worker cgroups left by executors that ended without stopping their workers", folders, cgroups);
        }

        var pool = new WorkerPool(settings, launcher, log, prefix, claim);
        pool.Refill();
        return pool;
    }

    /// <summary>
    /// A worker for session <paramref name="sessionId"/>: a warm one when there is one (a replacement starts in the
    /// background), else a new one. The caller owns it and disposes it when the session ends.
    /// </summary>
    /// <exception cref="WorkerStartException">No worker could be started.</exception>
    public async Task<SessionWorker> TakeAsync(string sessionId)
    {
        SessionWorker? worker = null;
        while (_warm.TryDequeue(out var candidate))
        {
            if (!candidate.Process.Exited.IsCompleted)
            {
                worker = candidate;
                worker.Process.Prioritize();
                break;
            }

            candidate.Dispose();
        }

        Refill();
        worker ??= await StartOneAsync().ConfigureAwait(false);
        _bySession[sessionId] = worker;
        _ = worker.Process.Exited.ContinueWith(_ => _bySession.TryRemove(new KeyValuePair<string, SessionWorker>(sessionId, worker)), TaskScheduler.Default);
        return worker;
    }

    /// <summary>The worker serving session <paramref name="sessionId"/>, or null (in-process session, or none yet).</summary>
    public SessionWorker? WorkerOf(string sessionId) => _bySession.GetValueOrDefault(sessionId);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var ended = new List<Task>();
        foreach (var worker in _running.Keys)
        {
            worker.Dispose();
            ended.Add(worker.Ended);
        }

        // Killed at once; the wait lets their folders and cgroups go before the process may end, and lets a worker that is
        // starting now finish its start and be killed the same way: the launcher (its spawning thread) must outlive every
        // start, or a late worker would leave its folder and cgroups behind.
        ended.Add(Volatile.Read(ref _refill));
        try
        {
            Task.WhenAll(ended).Wait(_settings.StartTimeout + TimeSpan.FromSeconds(2));
        }
        catch (AggregateException e)
        {
            _log.Warning("Stopping worker processes: {0}", e.GetBaseException().Message);
        }

        _launcher.Dispose();
        WorkerLeftovers.Release(_claim);
    }

    /// <summary>Starts one worker: for a session waiting now, or (<paramref name="warm"/>) for the pool, at the lowest priority until taken, warming its frame path up first.</summary>
    private async Task<SessionWorker> StartOneAsync(bool warm = false)
    {
        var id = $"w-{_prefix}-{Interlocked.Increment(ref _nextId)}";
        var worker = await SessionWorker.StartAsync(_launcher, id, _settings.FolderOrDefault, _settings.StartTimeout, warm).ConfigureAwait(false);
        _running[worker] = 0;
        _ = worker.Process.Exited.ContinueWith(
            t =>
            {
                _running.TryRemove(worker, out _);
                if (t.Result.Reason is { } reason && reason != WorkerKillReason.SessionEnded)
                {
                    _kills.AddOrUpdate(reason, 1, static (_, n) => n + 1);
                }

                // A warm worker that died while it waited is replaced (and released when the refill passes it), after a
                // pause, so that workers that die as soon as they are ready cannot make a loop of process starts.
                if (_warm.Contains(worker))
                {
                    _ = Task.Delay(WarmReplaceDelay).ContinueWith(_ => Refill(), TaskScheduler.Default);
                }
            },
            TaskScheduler.Default);
        if (Volatile.Read(ref _disposed) != 0)
        {
            worker.Dispose();
            await worker.Ended.ConfigureAwait(false);
            throw new WorkerStartException("The executor is stopping.");
        }

        return worker;
    }

    /// <summary>Takes the warm workers that died while they waited out of the queue and releases them (their folders go).</summary>
    private void ReleaseDeadWarm()
    {
        for (var i = _warm.Count; i > 0 && _warm.TryDequeue(out var worker); i--)
        {
            if (worker.Process.Exited.IsCompleted)
            {
                worker.Dispose();
            }
            else
            {
                _warm.Enqueue(worker);
            }
        }
    }

    /// <summary>Starts warm workers in the background until <c>workers.warm</c> wait (one start at a time, so a broken worker does not spin).</summary>
    private void Refill()
    {
        if (Volatile.Read(ref _disposed) != 0 || Warm >= _settings.Warm || Interlocked.Exchange(ref _warming, 1) != 0)
        {
            return;
        }

        _refill = Task.Run(async () =>
        {
            try
            {
                ReleaseDeadWarm();
                while (Volatile.Read(ref _disposed) == 0 && Warm < _settings.Warm)
                {
                    _warm.Enqueue(await StartOneAsync(warm: true).ConfigureAwait(false));
                }
            }
            catch (WorkerStartException e) when (Volatile.Read(ref _disposed) == 0)
            {
                _log.Warning("A warm worker process could not be started: {0}", e.Message);
            }
            catch (WorkerStartException)
            {
                // The executor is stopping.
            }
            finally
            {
                Volatile.Write(ref _warming, 0);
            }
        });
    }
}

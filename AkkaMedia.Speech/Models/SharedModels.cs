using System.Diagnostics;

namespace AkkaMedia.Speech.Models;

/// <summary>
/// The models of one kind loaded in this process, shared by every session that uses the same file: loaded on
/// the first <see cref="Acquire"/>, reference counted, and unloaded once no lease has held it for the idle time
/// the last lease asked for. Each model admits a bounded number of inferences at once; callers beyond the bound
/// wait for a slot (counted in <see cref="Queued"/> and <see cref="QueuedTime"/>).
/// </summary>
/// <remarks>
/// Thread-safe. Nodes acquire a lease when they are initialized and dispose it when they stop, so an executor
/// running a thousand sessions of one pipeline holds one copy of the model. A load that fails is not cached:
/// the next acquire tries again (the file may have been fixed meanwhile).
/// </remarks>
/// <typeparam name="TModel">The loaded model; disposed when unloaded.</typeparam>
internal sealed class SharedModels<TModel>
    where TModel : class, IDisposable
{
    private readonly Func<string, TModel> _load;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _loadsByPath = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _queued;
    private long _queuedTicks;

    /// <summary>Creates an empty set; <paramref name="load"/> reads a model from its full path and throws a clear error when it cannot.</summary>
    public SharedModels(Func<string, TModel> load)
    {
        _load = load;
    }

    /// <summary>How many times a model was loaded since the process started (a second session of the same file does not load it again).</summary>
    public long Loads
    {
        get
        {
            lock (_gate)
            {
                return _loadsByPath.Values.Sum(n => (long)n);
            }
        }
    }

    /// <summary>How many inferences had to wait for a slot because the model's concurrency limit was reached.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>The total time inferences waited for a slot.</summary>
    public TimeSpan QueuedTime => TimeSpan.FromTicks(Interlocked.Read(ref _queuedTicks));

    /// <summary>How many times the model at <paramref name="path"/> was loaded since the process started.</summary>
    public int LoadsOf(string path)
    {
        lock (_gate)
        {
            return _loadsByPath.GetValueOrDefault(Path.GetFullPath(path));
        }
    }

    /// <summary>Whether the model at <paramref name="path"/> is loaded now.</summary>
    public bool IsLoaded(string path)
    {
        lock (_gate)
        {
            return _entries.ContainsKey(Path.GetFullPath(path));
        }
    }

    /// <summary>How many models are loaded now.</summary>
    public int Loaded
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// A lease on the model at <paramref name="path"/>, loading it if no session holds it. Dispose the lease when done;
    /// the model stays loaded for <paramref name="unloadAfter"/> after the last lease is disposed.
    /// </summary>
    /// <param name="path">The model file; compared by full path.</param>
    /// <param name="maxConcurrency">Inferences the model runs at once; the first acquire of a loaded model fixes it.</param>
    /// <param name="unloadAfter">Idle time before the model is unloaded; zero unloads with the last lease.</param>
    public ModelLease Acquire(string path, int maxConcurrency, TimeSpan unloadAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConcurrency);
        var key = Path.GetFullPath(path);
        Entry? entry;
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out entry))
            {
                entry.References++;
                entry.UnloadAfter = unloadAfter;
                entry.Generation++;
                return new ModelLease(this, entry);
            }
        }

        // Load outside the lock: a model takes a while, and other files must not wait for it. Two sessions that race
        // on the same new file may both load it; the loser disposes its copy.
        var model = _load(key);
        lock (_gate)
        {
            _loadsByPath[key] = _loadsByPath.GetValueOrDefault(key) + 1;
            if (_entries.TryGetValue(key, out entry))
            {
                model.Dispose();
            }
            else
            {
                entry = new Entry(key, model, maxConcurrency);
                _entries.Add(key, entry);
            }

            entry.References++;
            entry.UnloadAfter = unloadAfter;
            entry.Generation++;
            return new ModelLease(this, entry);
        }
    }

    private void Release(Entry entry)
    {
        lock (_gate)
        {
            if (--entry.References > 0)
            {
                return;
            }

            var generation = ++entry.Generation;
            entry.Timer?.Dispose();
            entry.Timer = null;
            if (entry.UnloadAfter <= TimeSpan.Zero)
            {
                Unload(entry);
                return;
            }

            entry.Timer = new Timer(_ => UnloadIfIdle(entry, generation), null, entry.UnloadAfter, Timeout.InfiniteTimeSpan);
        }
    }

    private void UnloadIfIdle(Entry entry, long generation)
    {
        lock (_gate)
        {
            // A lease taken (or released again) since the timer was set bumped the generation: that one decides.
            if (entry.References == 0 && entry.Generation == generation)
            {
                Unload(entry);
            }
        }
    }

    private void Unload(Entry entry)
    {
        _entries.Remove(entry.Key);
        entry.Timer?.Dispose();
        entry.Model.Dispose();
        entry.Slots.Dispose();
    }

    private void CountWait(long startTimestamp)
    {
        Interlocked.Increment(ref _queued);
        Interlocked.Add(ref _queuedTicks, Stopwatch.GetElapsedTime(startTimestamp).Ticks);
    }

    /// <summary>One session's hold on a shared model. Not thread-safe: one node uses it.</summary>
    public sealed class ModelLease : IDisposable
    {
        private readonly SharedModels<TModel> _owner;
        private readonly Entry _entry;
        private bool _disposed;

        internal ModelLease(SharedModels<TModel> owner, Entry entry)
        {
            _owner = owner;
            _entry = entry;
        }

        /// <summary>The shared model. Use it through <see cref="RunAsync{T}"/> or <see cref="Run{T}"/> so the concurrency limit holds.</summary>
        public TModel Model => _disposed ? throw new ObjectDisposedException(nameof(ModelLease)) : _entry.Model;

        /// <summary>
        /// Runs <paramref name="inference"/> on the thread pool once a slot of the model is free, waiting without blocking a
        /// thread; the slot is held until the inference's task completes.
        /// </summary>
        public async Task<T> RunAsync<T>(Func<TModel, CancellationToken, Task<T>> inference, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var model = _entry.Model;
            await EnterAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await Task.Run(() => inference(model, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _entry.Slots.Release();
            }
        }

        /// <summary>Runs <paramref name="inference"/> on the calling thread once a slot is free (for inferences of well under a millisecond).</summary>
        public T Run<T>(Func<TModel, T> inference)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_entry.Slots.Wait(0))
            {
                var start = Stopwatch.GetTimestamp();
                _entry.Slots.Wait();
                _owner.CountWait(start);
            }

            try
            {
                return inference(_entry.Model);
            }
            finally
            {
                _entry.Slots.Release();
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _owner.Release(_entry);
            }
        }

        private async Task EnterAsync(CancellationToken cancellationToken)
        {
            if (_entry.Slots.Wait(0, CancellationToken.None))
            {
                return;
            }

            var start = Stopwatch.GetTimestamp();
            await _entry.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            _owner.CountWait(start);
        }
    }

    internal sealed class Entry(string key, TModel model, int maxConcurrency)
    {
        public string Key { get; } = key;

        public TModel Model { get; } = model;

        public SemaphoreSlim Slots { get; } = new(maxConcurrency, maxConcurrency);

        public int References { get; set; }

        public long Generation { get; set; }

        public TimeSpan UnloadAfter { get; set; }

        public Timer? Timer { get; set; }
    }
}

using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using AkkaMedia.Deployment;

namespace AkkaMedia.Executor.Packages;

/// <summary>
/// An executor's cache of shipped assemblies on disk, content-addressed by SHA-256 and shared by all its sessions:
/// an assembly uploaded once serves every later session that ships the same bytes.
/// </summary>
/// <remarks>
/// <para>Layout: <c>&lt;folder&gt;/&lt;sha256&gt;/&lt;Name&gt;.dll</c>. Uploads are written to temporary files under
/// <c>&lt;folder&gt;/.incoming</c>, verified (length and SHA-256 of every entry), then moved into place with an atomic
/// rename, all entries of an upload or none. The folder is locked (<c>.lock</c>) by one store at a time; on start the
/// store verifies what an earlier run left and drops what does not match its address.</para>
/// <para>Capacity: the bytes held plus those reserved by running uploads never exceed <see cref="Capacity"/>; to make
/// room, the least recently used entries that no <see cref="Lease"/> pins are deleted. A session should take its lease
/// first, then resolve paths with <see cref="TryGetPath"/>, and keep the lease until its assemblies are unloaded.</para>
/// <para>Thread-safe.</para>
/// </remarks>
internal sealed class PackageStore : IDisposable
{
    private const string IncomingFolder = ".incoming";
    private const string LockFile = ".lock";

    private readonly object _gate = new();
    private readonly Dictionary<string, Stored> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _leases = new(StringComparer.Ordinal);
    private readonly FileStream _lock;
    private readonly bool _deleteOnDispose;
    private long _size;
    private long _reserved;
    private long _clock;
    private bool _disposed;

    /// <summary>Opens (creating it if needed) the store in <paramref name="folder"/> and locks the folder for this store.</summary>
    /// <param name="folder">Cache folder; created when missing.</param>
    /// <param name="capacity">Most bytes kept on disk, at least 1.</param>
    /// <param name="maxPackageBytes">Largest package accepted, between 1 and <paramref name="capacity"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="InvalidOperationException">Another store (in this or another process) holds the folder.</exception>
    public PackageStore(string folder, long capacity, long maxPackageBytes)
        : this(folder, capacity, maxPackageBytes, deleteOnDispose: false)
    {
    }

    private PackageStore(string folder, long capacity, long maxPackageBytes, bool deleteOnDispose)
    {
        _deleteOnDispose = deleteOnDispose;
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        if (maxPackageBytes <= 0 || maxPackageBytes > capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPackageBytes), maxPackageBytes, $"The largest package must be positive and at most the capacity ({capacity} bytes).");
        }

        Folder = Path.GetFullPath(folder);
        Capacity = capacity;
        MaxPackageBytes = maxPackageBytes;
        Directory.CreateDirectory(Folder);
        try
        {
            _lock = new FileStream(Path.Combine(Folder, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidOperationException(
                $"The package folder {Folder} is in use by another executor. Give each executor its own akka-media.executor.packages.folder.", e);
        }

        var incoming = Path.Combine(Folder, IncomingFolder);
        if (Directory.Exists(incoming))
        {
            Directory.Delete(incoming, recursive: true);
        }

        Directory.CreateDirectory(incoming);
        LoadExisting();
        lock (_gate)
        {
            MakeRoom(0);
        }
    }

    /// <summary>
    /// Creates the store of an executor node from its settings. Without a configured folder the store uses a temporary
    /// one (see <see cref="PackageStoreSettings.FolderFor"/>) and deletes it on <see cref="Dispose"/>; a configured folder
    /// is kept, so the cache survives restarts.
    /// </summary>
    public static PackageStore Create(PackageStoreSettings settings, Akka.Actor.ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new PackageStore(settings.FolderFor(system), settings.Capacity, settings.MaxPackageBytes, deleteOnDispose: settings.Folder.Length == 0);
    }

    /// <summary>The cache folder (absolute).</summary>
    public string Folder { get; }

    /// <summary>Most bytes kept on disk.</summary>
    public long Capacity { get; }

    /// <summary>Largest package accepted, in bytes (sum of all its entries, cached or not).</summary>
    public long MaxPackageBytes { get; }

    /// <summary>Bytes of the assemblies currently cached.</summary>
    public long SizeBytes
    {
        get
        {
            lock (_gate)
            {
                return _size;
            }
        }
    }

    /// <summary>
    /// Finds the cached file of <paramref name="entry"/> (same SHA-256 and simple name) and marks it most recently used.
    /// The path stays valid while a <see cref="Lease"/> covers the entry; without one, the file may be evicted.
    /// </summary>
    public bool TryGetPath(PackageEntry entry, out string path)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            if (_entries.TryGetValue(entry.Sha256, out var stored) && string.Equals(stored.FileName, entry.FileName, StringComparison.OrdinalIgnoreCase))
            {
                stored.Tick = ++_clock;
                stored.LastUsed = DateTimeOffset.UtcNow;
                path = PathOf(entry.Sha256, stored.FileName);
                TouchOnDisk(path, stored.LastUsed);
                return true;
            }
        }

        path = string.Empty;
        return false;
    }

    /// <summary>
    /// Pins <paramref name="entries"/>: while the returned lease is not disposed they are never evicted, including entries
    /// that arrive after the lease was taken. Disposing the lease more than once has no further effect.
    /// </summary>
    public IDisposable Lease(IEnumerable<PackageEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var hashes = entries.Select(e => e.Sha256).Distinct(StringComparer.Ordinal).ToArray();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var hash in hashes)
            {
                _leases[hash] = _leases.GetValueOrDefault(hash) + 1;
            }
        }

        return new LeaseHandle(this, hashes);
    }

    /// <summary>What the store holds, most recently used first.</summary>
    public IReadOnlyList<PackageStoreEntry> List()
    {
        lock (_gate)
        {
            return _entries
                .OrderByDescending(e => e.Value.Tick)
                .Select(e => new PackageStoreEntry(e.Value.Name, e.Value.Version, e.Key, e.Value.Length, e.Value.LastUsed, _leases.GetValueOrDefault(e.Key)))
                .ToArray();
        }
    }

    /// <summary>
    /// Releases the folder lock. Cached files stay on disk for the next store on this folder, unless the store was made
    /// by <see cref="Create"/> on a temporary folder, which is then deleted.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _lock.Dispose();
        if (_deleteOnDispose)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file still in use (Windows) keeps the folder; the temporary path is the system's to clean.
            }
        }
    }

    /// <summary>The SHA-256 of each of <paramref name="entries"/> the store lacks, in their order.</summary>
    internal IReadOnlyList<string> Missing(IEnumerable<PackageEntry> entries)
    {
        lock (_gate)
        {
            return entries.Where(e => !_entries.ContainsKey(e.Sha256))
                .Select(e => e.Sha256)
                .Distinct(StringComparer.Ordinal)
                .ToArray();
        }
    }

    /// <summary>
    /// Starts receiving <paramref name="entries"/>: checks the limits, reserves room for the entries not yet held (evicting
    /// least recently used unleased entries as needed) and pins them all until the upload is committed or aborted.
    /// </summary>
    /// <exception cref="PackageRejectedException">Over <see cref="MaxPackageBytes"/>, a duplicate entry, or no room.</exception>
    internal PackageUpload BeginUpload(string uploadId, IReadOnlyList<PackageEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var total = entries.Sum(e => e.Length);
        if (total > MaxPackageBytes)
        {
            throw new PackageRejectedException(OverLimit(total));
        }

        if (entries.Select(e => e.Sha256).Distinct(StringComparer.Ordinal).Count() != entries.Count)
        {
            throw new PackageRejectedException("The upload lists the same assembly bytes twice.");
        }

        long needed;
        IDisposable lease;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            needed = entries.Where(e => !_entries.ContainsKey(e.Sha256)).Sum(e => e.Length);
            lease = Lease(entries);
            if (!MakeRoom(needed))
            {
                lease.Dispose();
                throw new PackageRejectedException(
                    $"The package store has no room for {needed} more bytes: {_size} of {Capacity} bytes are cached and {_reserved} reserved by other uploads, and the rest is in use by running sessions.");
            }

            _reserved += needed;
        }

        return new PackageUpload(this, uploadId, entries, needed, lease);
    }

    /// <summary>A message for a package of <paramref name="total"/> bytes over the limit.</summary>
    internal string OverLimit(long total) =>
        $"The package is {total} bytes, more than this executor accepts ({MaxPackageBytes} bytes, akka-media.executor.packages.max-package-bytes).";

    /// <summary>Where the upload writes entry <paramref name="index"/> before it is verified.</summary>
    internal string TemporaryPath(string uploadId, int index) => Path.Combine(Folder, IncomingFolder, $"{uploadId}-{index}.tmp");

    /// <summary>
    /// Moves the verified temporary files of an upload into place (atomic renames) and records them. An entry that
    /// another upload committed meanwhile keeps its file; this upload's copy is deleted.
    /// </summary>
    internal void Commit(IReadOnlyList<(PackageEntry Entry, string TemporaryPath)> files, long reserved)
    {
        lock (_gate)
        {
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                foreach (var (entry, temporary) in files)
                {
                    if (_entries.ContainsKey(entry.Sha256))
                    {
                        File.Delete(temporary);
                        continue;
                    }

                    var final = PathOf(entry.Sha256, entry.FileName);
                    Directory.CreateDirectory(Path.GetDirectoryName(final)!);
                    File.Move(temporary, final, overwrite: true);
                    var now = DateTimeOffset.UtcNow;
                    _entries[entry.Sha256] = new Stored(entry.Name, entry.Version, entry.Length, entry.FileName) { Tick = ++_clock, LastUsed = now };
                    _size += entry.Length;
                }
            }
            finally
            {
                _reserved -= reserved;
            }
        }
    }

    /// <summary>Gives back the room an aborted upload reserved.</summary>
    internal void Release(long reserved)
    {
        lock (_gate)
        {
            _reserved -= reserved;
        }
    }

    /// <summary>Where the entry with <paramref name="sha256"/> is stored: its own folder, its <see cref="PackageEntry.FileName"/>.</summary>
    private string PathOf(string sha256, string fileName) => Path.Combine(Folder, sha256, fileName);

    /// <summary>Evicts least recently used unleased entries until <paramref name="needed"/> more bytes fit. Call under the gate.</summary>
    private bool MakeRoom(long needed)
    {
        if (_size + _reserved + needed <= Capacity)
        {
            return true;
        }

        var candidates = _entries.Where(e => _leases.GetValueOrDefault(e.Key) == 0).OrderBy(e => e.Value.Tick).Select(e => e.Key).ToArray();
        foreach (var hash in candidates)
        {
            var stored = _entries[hash];
            try
            {
                Directory.Delete(Path.Combine(Folder, hash), recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Already gone: nothing to free on disk, but the entry goes.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // Still open somewhere (Windows keeps loaded files locked): try the next one.
            }

            _entries.Remove(hash);
            _size -= stored.Length;
            if (_size + _reserved + needed <= Capacity)
            {
                return true;
            }
        }

        return false;
    }

    private void LoadExisting()
    {
        var found = new List<(string Hash, Stored Entry, DateTime Written)>();
        foreach (var directory in Directory.EnumerateDirectories(Folder))
        {
            var hash = Path.GetFileName(directory);
            if (hash.StartsWith('.'))
            {
                continue;
            }

            var files = Directory.GetFiles(directory);
            if (files.Length == 1 && TryVerify(files[0], hash, out var stored))
            {
                found.Add((hash, stored, File.GetLastWriteTimeUtc(files[0])));
            }
            else
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        foreach (var (hash, stored, written) in found.OrderBy(f => f.Written))
        {
            stored.Tick = ++_clock;
            stored.LastUsed = new DateTimeOffset(written, TimeSpan.Zero);
            _entries[hash] = stored;
            _size += stored.Length;
        }
    }

    /// <summary>
    /// Whether the bytes of <paramref name="path"/> hash to <paramref name="hash"/>: then it is an assembly when it has .NET
    /// metadata and its name is its file name, otherwise a native library under its file name (its version is not kept).
    /// </summary>
    private static bool TryVerify(string path, string hash, out Stored stored)
    {
        stored = null!;
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), hash, StringComparison.Ordinal))
            {
                return false;
            }

            var fileName = Path.GetFileName(path);
            if (!IsAssembly(bytes))
            {
                stored = new Stored(fileName, string.Empty, bytes.LongLength, fileName);
                return true;
            }

            using var pe = new PEReader(new MemoryStream(bytes, writable: false));
            var reader = pe.GetMetadataReader();
            var definition = reader.GetAssemblyDefinition();
            var name = reader.GetString(definition.Name);
            if (!string.Equals(name + ".dll", fileName, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            stored = new Stored(name, definition.Version.ToString(), bytes.LongLength, fileName);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="bytes"/> are a PE file with .NET metadata and an assembly manifest.</summary>
    private static bool IsAssembly(byte[] bytes)
    {
        try
        {
            using var pe = new PEReader(new MemoryStream(bytes, writable: false));
            return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static void TouchOnDisk(string path, DateTimeOffset when)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, when.UtcDateTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only the order after a restart depends on it.
        }
    }

    private void Unlease(string[] hashes)
    {
        lock (_gate)
        {
            foreach (var hash in hashes)
            {
                var count = _leases.GetValueOrDefault(hash) - 1;
                if (count <= 0)
                {
                    _leases.Remove(hash);
                }
                else
                {
                    _leases[hash] = count;
                }
            }
        }
    }

    private sealed class Stored(string name, string version, long length, string fileName)
    {
        public string Name { get; } = name;

        public string FileName { get; } = fileName;

        public string Version { get; } = version;

        public long Length { get; } = length;

        public long Tick { get; set; }

        public DateTimeOffset LastUsed { get; set; }
    }

    private sealed class LeaseHandle(PackageStore store, string[] hashes) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                store.Unlease(hashes);
            }
        }
    }
}

using System.Security.Cryptography;
using AkkaMedia.Deployment;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Packages;

/// <summary>
/// One upload into a <see cref="PackageStore"/>: receives the chunks of its entries in order into temporary files,
/// checks each entry's length and SHA-256 as soon as its last byte arrives, and on <see cref="Complete"/> commits them
/// all. Any violation throws <see cref="PackageRejectedException"/> at the offending chunk; <see cref="Dispose"/> then
/// deletes the temporary files and releases the room and leases the upload held. Used by one stream at a time.
/// </summary>
internal sealed class PackageUpload : IDisposable
{
    private readonly PackageStore _store;
    private readonly string _uploadId;
    private readonly IReadOnlyList<PackageEntry> _entries;
    private readonly long _reserved;
    private readonly IDisposable _lease;
    private readonly List<(PackageEntry Entry, string TemporaryPath)> _verified = [];
    private IncrementalHash? _hash;
    private FileStream? _file;
    private int _current = -1;
    private long _currentBytes;
    private bool _finished;

    public PackageUpload(PackageStore store, string uploadId, IReadOnlyList<PackageEntry> entries, long reserved, IDisposable lease)
    {
        _store = store;
        _uploadId = string.Concat(uploadId.Where(char.IsAsciiLetterOrDigit).Take(40)) is { Length: > 0 } safe ? safe : Guid.NewGuid().ToString("N");
        _entries = entries;
        _reserved = reserved;
        _lease = lease;
    }

    /// <summary>Bytes received so far, all entries together.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Number of entries in the upload.</summary>
    public int EntryCount => _entries.Count;

    /// <summary>Takes the next chunk.</summary>
    /// <exception cref="PackageRejectedException">The chunk is out of order, overflows its entry, or completes an entry whose SHA-256 does not match.</exception>
    public void Write(PackageChunk chunk)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (chunk.Bytes.Length > PackageChunk.MaxBytes)
        {
            throw Reject($"a chunk of {chunk.Bytes.Length} bytes exceeds the {PackageChunk.MaxBytes}-byte chunk size");
        }

        if (chunk.Entry != _current)
        {
            if (chunk.Entry != _current + 1 || chunk.Entry >= _entries.Count)
            {
                throw Reject($"a chunk of entry {chunk.Entry} arrived while entry {_current} of {_entries.Count} was expected");
            }

            FinishCurrent();
            Open(chunk.Entry);
        }

        var entry = _entries[_current];
        if (_file is null || _currentBytes + chunk.Bytes.Length > entry.Length)
        {
            throw Reject($"{entry.Name} is longer than its declared {entry.Length} bytes");
        }

        _file!.Write(chunk.Bytes);
        _hash!.AppendData(chunk.Bytes);
        _currentBytes += chunk.Bytes.Length;
        BytesReceived += chunk.Bytes.Length;
        if (_currentBytes == entry.Length)
        {
            FinishCurrent();
        }
    }

    /// <summary>The stream ended: checks that every entry arrived whole, then moves them all into the store.</summary>
    /// <exception cref="PackageRejectedException">An entry is missing or was cut short.</exception>
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        FinishCurrent();
        if (_verified.Count != _entries.Count)
        {
            var missing = _entries[_verified.Count];
            throw Reject($"the stream ended before {missing.Name} arrived whole ({_verified.Count} of {_entries.Count} entries verified)");
        }

        _store.Commit(_verified, _reserved);
        _finished = true;
        _lease.Dispose();
    }

    /// <summary>Discards whatever was received unless the upload was committed.</summary>
    public void Dispose()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        CloseCurrent();
        foreach (var index in Enumerable.Range(0, _entries.Count))
        {
            TryDelete(_store.TemporaryPath(_uploadId, index));
        }

        _store.Release(_reserved);
        _lease.Dispose();
    }

    private void Open(int index)
    {
        _current = index;
        _currentBytes = 0;
        _file = new FileStream(_store.TemporaryPath(_uploadId, index), FileMode.CreateNew, FileAccess.Write, FileShare.None);
        _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    }

    /// <summary>Closes the current entry's file and verifies it, if one is open.</summary>
    private void FinishCurrent()
    {
        if (_file is null || _hash is null)
        {
            return;
        }

        var entry = _entries[_current];
        var actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
        CloseCurrent();
        if (_currentBytes != entry.Length)
        {
            throw Reject($"{entry.Name} was cut short: {_currentBytes} of {entry.Length} bytes arrived");
        }

        if (!string.Equals(actual, entry.Sha256, StringComparison.Ordinal))
        {
            throw Reject($"the bytes of {entry.Name} do not match its SHA-256 (expected {entry.Sha256}, received {actual}): tampered or corrupted in transit");
        }

        _verified.Add((entry, _store.TemporaryPath(_uploadId, _current)));
    }

    private void CloseCurrent()
    {
        _file?.Dispose();
        _file = null;
        _hash?.Dispose();
        _hash = null;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The folder's .incoming is emptied on the next start.
        }
    }

    private PackageRejectedException Reject(string why) => new($"Upload rejected, nothing was cached: {why}.");
}

using Akka.Streams;
using AkkaMedia.Deployment;
using System.ComponentModel;

namespace AkkaMedia.Protocol;

/// <summary>Messages a client sends to an executor's package store (through its executor actor).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IPackageStoreRequest
{
    /// <summary>Correlates the request with its reply and log lines.</summary>
    string UploadId { get; }
}

/// <summary>
/// First step of an upload: the whole manifest of a package. The store answers <see cref="PackageNeeds"/>
/// with the hashes it lacks, or <see cref="PackageRejected"/> when the package exceeds
/// <c>max-package-bytes</c> (checked here, before any byte moves) or when its admission rules refuse the sender or the
/// package (<c>akka-media.executor.admission</c>: the sender's role, the manifest's <see cref="Signature"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record OfferPackage(string UploadId, string EntryAssembly, IReadOnlyList<PackageEntry> Entries) : IPackageStoreRequest
{
    /// <summary>The client's signature over the manifest (<see cref="EntryAssembly"/> and <see cref="Entries"/>); null when it signs nothing.</summary>
    public PackageSignature? Signature { get; init; }
}

/// <summary>The SHA-256 of each offered entry the store does not hold; empty when nothing needs to be sent.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PackageNeeds(string UploadId, IReadOnlyList<string> Missing);

/// <summary>
/// Second step: the bytes of <paramref name="Entries"/>, in that order, as chunks of at most
/// <see cref="PackageChunk.MaxBytes"/> bytes streamed through <paramref name="Chunks"/>. The store verifies every
/// entry's length and SHA-256 and caches them all, or none; it answers <see cref="PackageUploaded"/> or
/// <see cref="PackageRejected"/>. An executor that requires signatures takes only the entries of an offer it admitted
/// under the same <see cref="UploadId"/> from the same node.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record UploadPackage(string UploadId, IReadOnlyList<PackageEntry> Entries, ISourceRef<PackageChunk> Chunks) : IPackageStoreRequest;

/// <summary>
/// A slice of the bytes of entry number <paramref name="Entry"/> (an index into <see cref="UploadPackage.Entries"/>).
/// Chunks of one entry arrive in order and entries follow one another; a chunk never spans two entries.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PackageChunk(int Entry, byte[] Bytes)
{
    /// <summary>Largest payload of a chunk: 64 KiB, far below Akka.Remote's frame limit of 128,000 bytes.</summary>
    public const int MaxBytes = 64 * 1024;
}

/// <summary>Every uploaded entry was verified and is now in the store.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PackageUploaded(string UploadId, int Entries, long Bytes);

/// <summary>The store refused the offer or the upload; nothing of it was cached. <paramref name="Reason"/> says why.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PackageRejected(string UploadId, string Reason);

namespace AkkaMedia.Executor.Packages;

/// <summary>One assembly held by a <see cref="PackageStore"/>, as listed for operators.</summary>
/// <param name="Name">Assembly simple name.</param>
/// <param name="Version">Assembly version from its metadata.</param>
/// <param name="Sha256">SHA-256 of the file (its content address), lowercase hex.</param>
/// <param name="Length">File size in bytes.</param>
/// <param name="LastUsed">When a session last looked it up, or when it was stored (UTC).</param>
/// <param name="Leases">Sessions or uploads currently pinning it; a pinned entry is never evicted.</param>
internal sealed record PackageStoreEntry(string Name, string Version, string Sha256, long Length, DateTimeOffset LastUsed, int Leases);

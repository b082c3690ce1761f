namespace AkkaMedia.Deployment;

/// <summary>
/// An executor refused a code package: it is larger than the executor's <c>max-package-bytes</c>, does not fit its
/// store, or an entry's bytes did not match its length or SHA-256 (tampered or truncated in transit). Nothing of the
/// package was cached. Also raised when the upload did not finish within its timeout.
/// </summary>
public sealed class PackageRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="reason">Why the package was refused, as the executor stated it.</param>
    /// <param name="inner">The underlying error, when there is one (a timeout, a stream failure).</param>
    public PackageRejectedException(string reason, Exception? inner = null)
        : base(reason, inner)
    {
        Reason = reason;
    }

    /// <summary>Why the package was refused.</summary>
    public string Reason { get; }
}

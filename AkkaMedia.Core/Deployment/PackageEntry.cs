namespace AkkaMedia.Deployment;

/// <summary>
/// One assembly of a <see cref="CodePackage"/>: what the executor needs to know to fetch, verify and
/// cache its bytes. Entries are compared by value; two entries with the same <see cref="Sha256"/> are
/// the same bytes wherever they come from.
/// </summary>
/// <param name="Name">
/// The assembly's simple name (<c>AssemblyName.Name</c>, without <c>.dll</c>); it is also the file name the
/// executor stores it under, so it never contains a path separator.
/// </param>
/// <param name="Version">The assembly version from its metadata (<c>1.2.3.4</c>); informative, never used for lookup.</param>
/// <param name="Sha256">SHA-256 of the whole file, 64 lowercase hexadecimal characters: the content address.</param>
/// <param name="Length">Size of the file in bytes, at least 1.</param>
public sealed record PackageEntry(string Name, string Version, string Sha256, long Length)
{
    private static readonly char[] InvalidNameChars = [.. Path.GetInvalidFileNameChars(), '/', '\\', ':'];

    /// <summary>The assembly's simple name; a file name without directory parts.</summary>
    public string Name { get; } = ValidName(Name);

    /// <summary>The assembly version from its metadata.</summary>
    public string Version { get; } = Version ?? throw new ArgumentNullException(nameof(Version));

    /// <summary>SHA-256 of the file, 64 lowercase hexadecimal characters.</summary>
    public string Sha256 { get; } = ValidHash(Sha256);

    /// <summary>Size of the file in bytes.</summary>
    public long Length { get; } = Length > 0 ? Length : throw new ArgumentOutOfRangeException(nameof(Length), Length, "An assembly file has at least one byte.");

    /// <summary>The file name the assembly is stored under: <see cref="Name"/> plus <c>.dll</c>.</summary>
    public string FileName => Name + ".dll";

    /// <inheritdoc />
    public override string ToString() => $"{Name} {Version} ({Length} bytes, sha256 {Sha256})";

    private static string ValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 200 || name is "." or ".." || name.IndexOfAny(InvalidNameChars) >= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Name), name, "An assembly simple name must be a plain file name: not empty, no path separators or invalid file name characters.");
        }

        return name;
    }

    private static string ValidHash(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        if (hash.Length != 64 || !hash.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')))
        {
            throw new ArgumentOutOfRangeException(nameof(Sha256), hash, "A SHA-256 must be 64 lowercase hexadecimal characters.");
        }

        return hash;
    }
}

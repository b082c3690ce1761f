namespace AkkaMedia.Deployment;

/// <summary>
/// One file of a <see cref="CodePackage"/>, an assembly or a native library: what the executor needs to know to fetch,
/// verify and cache its bytes. Entries are compared by value; two entries with the same <see cref="Sha256"/> are
/// the same bytes wherever they come from.
/// </summary>
/// <param name="Name">
/// An assembly's simple name (<c>AssemblyName.Name</c>, without <c>.dll</c>), or a native library's file name
/// (<c>libonnxruntime.so</c>); with <see cref="FileName"/> it names the file the executor stores, so it never contains a
/// path separator.
/// </param>
/// <param name="Version">
/// The assembly version from its metadata (<c>1.2.3.4</c>), or the version of the NuGet package a native library comes
/// from; informative, never used for lookup.
/// </param>
/// <param name="Sha256">SHA-256 of the whole file, 64 lowercase hexadecimal characters: the content address.</param>
/// <param name="Length">Size of the file in bytes, at least 1.</param>
/// <param name="Kind">Whether the file is an assembly (the default) or a native library.</param>
public sealed record PackageEntry(string Name, string Version, string Sha256, long Length, PackageEntryKind Kind = PackageEntryKind.Assembly)
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

    /// <summary>Whether the file is an assembly or a native library.</summary>
    public PackageEntryKind Kind { get; } = Enum.IsDefined(Kind) ? Kind : throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "A package entry is an assembly or a native library.");

    /// <summary>The file name the entry is stored under: an assembly's <see cref="Name"/> plus <c>.dll</c>, a native library's <see cref="Name"/>.</summary>
    public string FileName => Kind == PackageEntryKind.NativeLibrary ? Name : Name + ".dll";

    /// <summary>
    /// <see cref="Length"/> as the wire formats and the signed manifest write it: negated for a native library. A package of
    /// assemblies only is written exactly as before native libraries could ship, and an executor that does not know them
    /// refuses the entry (a length must be positive) instead of loading it as an assembly.
    /// </summary>
    internal long WireLength => Kind == PackageEntryKind.NativeLibrary ? -Length : Length;

    /// <summary>The entry written with <see cref="WireLength"/> <paramref name="wireLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A field is invalid (zero length, malformed name or hash).</exception>
    internal static PackageEntry FromWire(string name, string version, string sha256, long wireLength) =>
        wireLength < 0 && wireLength != long.MinValue
            ? new PackageEntry(name, version, sha256, -wireLength, PackageEntryKind.NativeLibrary)
            : new PackageEntry(name, version, sha256, wireLength);

    /// <inheritdoc />
    public override string ToString() =>
        Kind == PackageEntryKind.NativeLibrary
            ? $"{Name} (native library, {Version}, {Length} bytes, sha256 {Sha256})"
            : $"{Name} {Version} ({Length} bytes, sha256 {Sha256})";

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

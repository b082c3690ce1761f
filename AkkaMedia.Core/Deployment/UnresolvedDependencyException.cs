namespace AkkaMedia.Deployment;

/// <summary>
/// Raised on the client by <see cref="DependencyAnalyzer"/>, before anything is sent, when an assembly
/// referenced by the code to ship is neither part of the framework, nor one of AkkaMedia's own assemblies,
/// nor found on disk. The usual cause is a library built without its NuGet dependencies copied to its output
/// (set <c>EnableDynamicLoading</c> or <c>CopyLocalLockFileAssemblies</c> to <c>true</c> in its project).
/// </summary>
public sealed class UnresolvedDependencyException : Exception
{
    /// <summary>Creates the exception for <paramref name="missingAssembly"/> referenced by <paramref name="referencedBy"/>.</summary>
    public UnresolvedDependencyException(string missingAssembly, string missingVersion, string referencedBy, IReadOnlyList<string> searched)
        : base(Describe(missingAssembly, missingVersion, referencedBy, searched))
    {
        MissingAssembly = missingAssembly;
        MissingVersion = missingVersion;
        ReferencedBy = referencedBy;
    }

    /// <summary>Simple name of the assembly that could not be found.</summary>
    public string MissingAssembly { get; }

    /// <summary>Version of it that the referencing assembly asks for.</summary>
    public string MissingVersion { get; }

    /// <summary>Simple name of the assembly whose reference could not be resolved.</summary>
    public string ReferencedBy { get; }

    private static string Describe(string missing, string version, string referencedBy, IReadOnlyList<string> searched) =>
        $"Cannot ship {referencedBy}: it references {missing} {version}, which is neither a framework nor an AkkaMedia assembly " +
        $"and was not found (looked in: {(searched.Count == 0 ? "nowhere" : string.Join(", ", searched))}). " +
        $"Build the library so that its dependencies are copied next to it (EnableDynamicLoading=true or CopyLocalLockFileAssemblies=true).";
}

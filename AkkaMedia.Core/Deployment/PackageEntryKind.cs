namespace AkkaMedia.Deployment;

/// <summary>What a <see cref="PackageEntry"/> holds, which decides how the executor checks, stores and loads it.</summary>
public enum PackageEntryKind
{
    /// <summary>A .NET assembly: checked against the executor's sandbox policy, stored as <c>Name.dll</c> and loaded into the session's load context.</summary>
    Assembly = 0,

    /// <summary>
    /// A native shared library of a NuGet package (<c>runtimes/&lt;rid&gt;/native/libonnxruntime.so</c>) for the client's
    /// runtime identifier: stored under its file name and loaded when shipped code calls into it (<c>DllImport</c>). The
    /// executor refuses it unless its sandbox policy allows native calls.
    /// </summary>
    NativeLibrary = 1,
}

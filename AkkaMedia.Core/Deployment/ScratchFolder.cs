using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using System.ComponentModel;

namespace AkkaMedia.Deployment;

/// <summary>
/// The one place shipped code may keep files: a folder private to its executor session, deleted when the session ends.
/// The executor's sandbox refuses direct file APIs (<c>System.IO.File</c>, <c>FileStream</c> constructors ...) in shipped
/// code, so files go through this class, which only reaches paths inside the folder.
/// </summary>
/// <remarks>
/// <para>Obtain it with <see cref="For"/>, passing one of your own objects (usually <c>this</c>): the folder is found from
/// the load context its type was loaded into, so every session gets its own. Code running outside an executor session (a
/// local pipeline, a unit test) gets a folder of the process under the temporary path.</para>
/// <para>Paths are relative, with <c>/</c> or the platform separator; rooted paths and <c>..</c> segments are refused
/// with <see cref="ArgumentException"/>. Streams belong to the caller, who disposes them. Thread-safe.</para>
/// </remarks>
public sealed class ScratchFolder
{
    private static readonly ConditionalWeakTable<AssemblyLoadContext, ScratchFolder> Sessions = [];
    private static readonly Lazy<ScratchFolder> Local = new(() => new ScratchFolder(Path.Combine(Path.GetTempPath(), "akka-media-scratch", $"local-{Environment.ProcessId}")));

    private ScratchFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    /// <summary>Absolute path of the folder, for diagnostics; shipped code cannot use it with file APIs.</summary>
    public string Root { get; }

    /// <summary>The scratch folder of the session that loaded <paramref name="owner"/>'s type, or the process's own outside sessions.</summary>
    public static ScratchFolder For(object owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        var context = AssemblyLoadContext.GetLoadContext(owner.GetType().Assembly);
        return context is not null && Sessions.TryGetValue(context, out var folder) ? folder : Local.Value;
    }

    /// <summary>Opens an existing file for reading.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public Stream OpenRead(string relativePath) =>
        new FileStream(Resolve(relativePath), FileMode.Open, FileAccess.Read, FileShare.Read);

    /// <summary>Creates (or truncates) a file for writing, creating the folders on its path.</summary>
    public Stream Create(string relativePath)
    {
        var path = Resolve(relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
    }

    /// <summary>Whether the file exists.</summary>
    public bool Exists(string relativePath) => File.Exists(Resolve(relativePath));

    /// <summary>Deletes the file if it exists.</summary>
    public void Delete(string relativePath) => File.Delete(Resolve(relativePath));

    /// <summary>Relative paths (with <c>/</c>) of all files in the folder, in ordinal order.</summary>
    public IReadOnlyList<string> List() =>
        Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>
    /// Gives the code loaded in <paramref name="context"/> the folder <paramref name="root"/> (created now). Disposing the
    /// result detaches it and deletes the folder with its files. Called by the executor when a session starts.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static IDisposable Attach(AssemblyLoadContext context, string root)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = new ScratchFolder(root);
        Sessions.AddOrUpdate(context, folder);
        return new Attachment(context, folder);
    }

    private string Resolve(string relativePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        var normalized = relativePath.Replace('\\', '/');
        if (Path.IsPathRooted(relativePath) || normalized.StartsWith('/') || normalized.Split('/').Any(s => s is ".." or "."))
        {
            throw new ArgumentException($"'{relativePath}' must be a relative path inside the scratch folder, without '..' or '.' segments.", nameof(relativePath));
        }

        var full = Path.GetFullPath(Path.Combine(Root, normalized.Replace('/', Path.DirectorySeparatorChar)));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new ArgumentException($"'{relativePath}' leads outside the scratch folder.", nameof(relativePath));
    }

    /// <summary>Holds the context only until disposed, so a disposed attachment never keeps a collectible context alive.</summary>
    private sealed class Attachment(AssemblyLoadContext context, ScratchFolder folder) : IDisposable
    {
        private AssemblyLoadContext? _context = context;

        public void Dispose()
        {
            var attached = Interlocked.Exchange(ref _context, null);
            if (attached is null)
            {
                return;
            }

            Sessions.Remove(attached);
            try
            {
                Directory.Delete(folder.Root, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Already gone.
            }
        }
    }
}

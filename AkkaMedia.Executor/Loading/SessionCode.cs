using AkkaMedia.Deployment;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Loading;

/// <summary>
/// The shipped code of one session: its load context, its own serializer, its scratch folder and its
/// lease on the package store's files. Disposing drops the serializer's caches, deletes the scratch
/// folder, unloads the context and ends the lease.
/// </summary>
internal sealed class SessionCode : IDisposable
{
    private readonly IDisposable _lease;
    private readonly IDisposable _scratch;
    private int _disposed;

    private SessionCode(SessionLoadContext context, IDisposable lease, IDisposable scratch)
    {
        Context = context;
        Codec = new ObjectCodec(context);
        _lease = lease;
        _scratch = scratch;
    }

    public SessionLoadContext Context { get; }

    public ObjectCodec Codec { get; }

    /// <summary>
    /// Finds every entry in <paramref name="store"/>, leases them, checks them against <paramref name="sandbox"/> (a
    /// package checked before gets its verdict again without a new check) and, only when they pass, loads
    /// <paramref name="entryAssembly"/> into a new session load context.
    /// </summary>
    /// <exception cref="CodeRejectedException">An entry is missing from the store, the sandbox forbids something, or the entry assembly does not load.</exception>
    public static SessionCode Load(string sessionId, string entryAssembly, IReadOnlyList<PackageEntry> entries, PackageStore store, SandboxVerdicts sandbox)
    {
        var (paths, natives, lease) = Check(entryAssembly, entries, store, sandbox);
        return Load(sessionId, entryAssembly, paths, natives, lease, Path.Combine(Path.GetTempPath(), "akka-media-scratch", sessionId));
    }

    /// <summary>
    /// Finds every entry in <paramref name="store"/>, leases them and checks them against <paramref name="sandbox"/>
    /// (a package checked before gets its verdict again without a new check), loading nothing.
    /// </summary>
    /// <returns>
    /// The assemblies' files by simple name, the native libraries' files by file name, and the lease the caller now owns
    /// (ended on a refusal).
    /// </returns>
    /// <exception cref="CodeRejectedException">An entry is missing from the store or the sandbox forbids something.</exception>
    public static (IReadOnlyDictionary<string, string> Paths, IReadOnlyDictionary<string, string> Natives, IDisposable Lease) Check(string entryAssembly, IReadOnlyList<PackageEntry> entries, PackageStore store, SandboxVerdicts sandbox)
    {
        var paths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var natives = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new List<string>(entries.Count);
        foreach (var entry in entries)
        {
            if (!store.TryGetPath(entry, out var path))
            {
                throw new CodeRejectedException($"{entry} is not in the executor's package store; upload the package before opening the session.");
            }

            (entry.Kind == PackageEntryKind.NativeLibrary ? natives : paths)[entry.Name] = path;
            files.Add(path);
        }

        var lease = store.Lease(entries);
        try
        {
            var violations = sandbox.Check(entries, files);
            if (violations.Count > 0)
            {
                throw new CodeRejectedException(Refusal(entryAssembly, violations), sandboxViolation: true);
            }
        }
        catch
        {
            lease.Dispose();
            throw;
        }

        return (paths, natives, lease);
    }

    /// <summary>
    /// Loads <paramref name="entryAssembly"/> from <paramref name="paths"/> (checked already, see <see cref="Check"/>) into a
    /// new session load context, which resolves native libraries from <paramref name="natives"/> (file name → file) and
    /// whose scratch folder is <paramref name="scratch"/>; the code owns <paramref name="lease"/> from now on (ended at
    /// once when the load fails).
    /// </summary>
    /// <exception cref="CodeRejectedException">The entry assembly does not load.</exception>
    public static SessionCode Load(string sessionId, string entryAssembly, IReadOnlyDictionary<string, string> paths, IReadOnlyDictionary<string, string> natives, IDisposable lease, string scratch)
    {
        SessionLoadContext? context = null;
        try
        {
            context = new SessionLoadContext(sessionId, paths, natives);
            if (paths.ContainsKey(entryAssembly))
            {
                context.LoadShipped(entryAssembly);
            }

            return new SessionCode(context, lease, ScratchFolder.Attach(context, scratch));
        }
        catch (Exception e)
        {
            context?.Unload();
            lease.Dispose();
            if (e is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                throw new CodeRejectedException($"Assembly {entryAssembly} does not load on the executor: {e.Message}", e);
            }

            throw;
        }
    }

    /// <summary>
    /// The refusal of <paramref name="entryAssembly"/>: the first ten violations, and when the in-process policy refused
    /// something the process policy allows, how to get it admitted.
    /// </summary>
    internal static string Refusal(string entryAssembly, IReadOnlyList<SandboxViolation> violations)
    {
        var message = $"The executor's sandbox policy refused the code of {entryAssembly}: {string.Join("; ", violations.Take(10).Select(static v => v.Message.TrimEnd('.')))}" +
            (violations.Count > 10 ? $" (and {violations.Count - 10} more)." : ".");
        var admitted = violations.Count(static v => v.AllowedUnderProcessIsolation);
        if (admitted == violations.Count)
        {
            var native = violations.Any(static v => v.Rule == SandboxPolicy.NativeRule)
                ? $"{(violations.All(static v => v.Rule == SandboxPolicy.NativeRule) ? string.Empty : "add the others to akka-media.executor.sandbox.also-allowed and ")}set akka-media.executor.sandbox.allow-native-calls = on, "
                : "add them to akka-media.executor.sandbox.also-allowed, ";
            return message + " Under process isolation the executor allows all of these: " + native +
                $"or run this executor with --isolation process ({SandboxPolicy.IsolationKey} = process).";
        }

        return admitted > 0
            ? message + $" Process isolation would allow {admitted} of these {violations.Count} (run this executor with --isolation process), not the rest."
            : message;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Codec.Clear();
            _scratch.Dispose();
            Context.Unload();
            _lease.Dispose();
        }
    }
}

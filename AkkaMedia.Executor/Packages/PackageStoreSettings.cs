using Akka.Actor;
using Akka.Configuration;

namespace AkkaMedia.Executor.Packages;

/// <summary>The settings of an executor's <see cref="PackageStore"/>, read from <c>akka-media.executor.packages</c>.</summary>
internal sealed class PackageStoreSettings
{
    private const string Section = "akka-media.executor.packages";

    private static int _localStores;

    private PackageStoreSettings(string folder, long capacity, long maxPackageBytes, TimeSpan uploadIdleTimeout, int maxConcurrentUploadsPerClient)
    {
        MaxConcurrentUploadsPerClient = maxConcurrentUploadsPerClient;
        Folder = folder;
        Capacity = capacity;
        MaxPackageBytes = maxPackageBytes;
        UploadIdleTimeout = uploadIdleTimeout;
    }

    /// <summary>The configured cache folder; empty means a temporary folder per node, deleted when the executor stops (see <see cref="FolderFor"/>).</summary>
    public string Folder { get; }

    /// <summary>Most bytes the store keeps on disk; least recently used unleased entries are evicted beyond it.</summary>
    public long Capacity { get; }

    /// <summary>Largest package (sum of all its entries, in bytes) the executor accepts; larger ones are refused before any byte is sent.</summary>
    public long MaxPackageBytes { get; }

    /// <summary>An upload that delivers no chunk for this long is abandoned and nothing of it is cached.</summary>
    public TimeSpan UploadIdleTimeout { get; }

    /// <summary>Most uploads one client node (one actor system address) may run at once; more are refused naming the limit.</summary>
    public int MaxConcurrentUploadsPerClient { get; }

    /// <summary>Reads <c>akka-media.executor.packages</c> from <paramref name="config"/>, falling back to the executor's defaults.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range; the message names the key and says what is allowed.</exception>
    public static PackageStoreSettings Create(Config config)
    {
        var section = ExecutorSettings.WithDefaults(config).GetConfig(Section);
        var capacity = ReadBytes(section, "capacity");
        var max = ReadBytes(section, "max-package-bytes");
        var idle = section.GetTimeSpan("upload-idle-timeout");
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(Section + ".capacity", capacity, "capacity must be a positive size such as 1 GiB.");
        }

        if (max <= 0 || max > capacity)
        {
            throw new ArgumentOutOfRangeException(Section + ".max-package-bytes", max, $"max-package-bytes must be positive and at most capacity ({capacity} bytes).");
        }

        if (idle <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(Section + ".upload-idle-timeout", idle, "upload-idle-timeout must be positive.");
        }

        var uploads = section.GetInt("max-concurrent-uploads-per-client");
        if (uploads <= 0)
        {
            throw new ArgumentOutOfRangeException(Section + ".max-concurrent-uploads-per-client", uploads, "max-concurrent-uploads-per-client must be at least 1.");
        }

        return new PackageStoreSettings(section.GetString("folder") ?? string.Empty, capacity, max, idle, uploads);
    }

    /// <summary>
    /// The folder the store of <paramref name="system"/> uses: <see cref="Folder"/> when set, otherwise
    /// <c>&lt;temp&gt;/akka-media-packages/&lt;system&gt;-&lt;host&gt;-&lt;port&gt;</c>, one per node so that executors sharing a
    /// machine never share a folder (a system without remoting gets a new folder each time).
    /// </summary>
    public string FolderFor(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (Folder.Length > 0)
        {
            return Path.GetFullPath(Folder);
        }

        var address = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var node = address.Port is { } port
            ? $"{system.Name}-{address.Host}-{port}"
            : $"{system.Name}-local-{Environment.ProcessId}-{Interlocked.Increment(ref _localStores)}";
        var safe = string.Concat(node.Select(c => Path.GetInvalidFileNameChars().Contains(c) || c == ':' ? '_' : c));
        return Path.Combine(Path.GetTempPath(), "akka-media-packages", safe);
    }

    private static long ReadBytes(Config section, string key)
    {
        try
        {
            return section.GetByteSize(key) ?? throw new ArgumentOutOfRangeException(Section + "." + key, "The setting is missing.");
        }
        catch (Exception e) when (e is FormatException or ConfigurationException or OverflowException)
        {
            throw new ArgumentOutOfRangeException(Section + "." + key, section.GetString(key), $"{key} must be a size such as 64 MiB or 1 GiB: {e.Message}");
        }
    }
}

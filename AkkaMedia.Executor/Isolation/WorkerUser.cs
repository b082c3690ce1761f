using System.Globalization;
using System.Runtime.InteropServices;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The unprivileged user worker processes run as when the executor runs as root (<c>akka-media.executor.workers.run-as</c>):
/// the start wrapper, after joining the worker's cgroups and taking its limits, execs <c>setpriv</c> to drop to this
/// user's uid and gid (no supplementary groups) before bubblewrap or the worker command. The executor gives the worker's
/// folder and socket to this user; what else the worker must read stays readable by others.
/// </summary>
/// <param name="Name">The user's name as configured (or the <c>uid:gid</c> text).</param>
/// <param name="Uid">The user id workers run as.</param>
/// <param name="Gid">The group id workers run as.</param>
/// <remarks>Immutable and thread-safe.</remarks>
internal sealed record WorkerUser(string Name, int Uid, int Gid)
{
    /// <summary>The <c>setpriv</c> executable (util-linux), or null when this host has none.</summary>
    public static string? SetPriv { get; } = new[] { "/usr/bin/setpriv", "/bin/setpriv" }.FirstOrDefault(File.Exists);

    /// <summary>
    /// Resolves <paramref name="value"/>: a user name looked up in <paramref name="passwd"/> (its uid and primary gid), or
    /// <c>uid:gid</c> in numbers.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Neither a known user nor <c>uid:gid</c>; the message names <see cref="WorkerSettings.RunAsKey"/>.</exception>
    public static WorkerUser Resolve(string value, string passwd = "/etc/passwd")
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split(':');
        if (parts.Length == 2)
        {
            if (int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) &&
                int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                return new WorkerUser(value, uid, gid);
            }
        }
        else if (parts.Length == 1 && value.Length > 0)
        {
            var lines = File.Exists(passwd) ? File.ReadLines(passwd) : [];
            foreach (var line in lines)
            {
                // name:password:uid:gid:gecos:home:shell
                var fields = line.Split(':');
                if (fields.Length >= 4 && fields[0] == value &&
                    int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) &&
                    int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
                {
                    return new WorkerUser(value, uid, gid);
                }
            }

            throw new ArgumentOutOfRangeException(
                WorkerSettings.RunAsKey, value, $"{WorkerSettings.RunAsKey} = \"{value}\": no such user in {passwd}. Write an existing user name (nobody), uid:gid (65534:65534), or \"\" to run workers as the executor's own user.");
        }

        throw new ArgumentOutOfRangeException(
            WorkerSettings.RunAsKey, value, $"{WorkerSettings.RunAsKey} = \"{value}\" is neither a user name nor uid:gid. Write an existing user name (nobody), uid:gid (65534:65534), or \"\" to run workers as the executor's own user.");
    }

    /// <summary>The <c>setpriv</c> executable that drops to this user.</summary>
    /// <exception cref="InvalidOperationException">This host has no <c>setpriv</c>; the message names the fix.</exception>
    public string RequireSetPriv() =>
        SetPriv ?? throw new InvalidOperationException($"Workers run as {this} ({WorkerSettings.RunAsKey}), but setpriv was not found: apt-get install util-linux, or set {WorkerSettings.RunAsKey} = \"\" (workers then run as root).");

    /// <summary><paramref name="command"/> run as this user: <c>setpriv --reuid=U --regid=G --clear-groups COMMAND</c>.</summary>
    /// <exception cref="InvalidOperationException">This host has no <c>setpriv</c>; the message names the fix.</exception>
    public IReadOnlyList<string> Wrap(IReadOnlyList<string> command) =>
    [
        RequireSetPriv(),
        "--reuid=" + Uid.ToString(CultureInfo.InvariantCulture),
        "--regid=" + Gid.ToString(CultureInfo.InvariantCulture),
        "--clear-groups",
        .. command,
    ];

    /// <summary>Gives <paramref name="path"/> (a file, folder or socket) to this user and group.</summary>
    /// <exception cref="IOException"><c>chown</c> failed.</exception>
    public void Own(string path)
    {
        if (Chown(path, Uid, Gid) != 0)
        {
            throw new IOException($"{path} could not be given to the workers' user {this} ({WorkerSettings.RunAsKey}): errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>
    /// Makes the workers' root folder <paramref name="root"/> traversable by others (adds <c>o+x</c>, e.g. a 0700 folder
    /// becomes 0711: others can reach the worker folders inside it but not list it), and checks that every folder above
    /// it is traversable by others, so that this user can reach its worker folder.
    /// </summary>
    /// <exception cref="IOException">A folder above <paramref name="root"/> is not traversable by others; the message names it and <see cref="WorkerSettings.FolderKey"/>.</exception>
    public void EnsureTraversable(string root)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var full = Path.GetFullPath(root);
        var mode = File.GetUnixFileMode(full);
        if ((mode & UnixFileMode.OtherExecute) == 0)
        {
            File.SetUnixFileMode(full, mode | UnixFileMode.OtherExecute);
        }

        for (var parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if ((File.GetUnixFileMode(parent) & UnixFileMode.OtherExecute) == 0)
            {
                throw new IOException(
                    $"Workers run as {this} ({WorkerSettings.RunAsKey}) and cannot reach their folders in {full}: {parent} is not traversable by others (no o+x). " +
                    $"Set {WorkerSettings.FolderKey} to a folder whose parents others may traverse, chmod o+x {parent}, or set {WorkerSettings.RunAsKey} = \"\".");
            }
        }
    }

    /// <summary>Whether others may read <paramref name="file"/> (so a hard link to it is readable by this user).</summary>
    public static bool ReadableByOthers(string file) => OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & UnixFileMode.OtherRead) != 0;

    /// <summary>The user as messages name it: <c>nobody (uid 65534, gid 65534)</c>.</summary>
    public override string ToString() => $"{Name} (uid {Uid.ToString(CultureInfo.InvariantCulture)}, gid {Gid.ToString(CultureInfo.InvariantCulture)})";

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int Chown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}

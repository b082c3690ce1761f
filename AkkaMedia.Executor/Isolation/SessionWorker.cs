using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// One worker process as the executor holds it: started, connected to its Unix domain socket and ready for the one
/// session it will serve (<see cref="AssignAsync"/>), after which the socket becomes a <see cref="MediaLink"/>
/// (<see cref="OpenLink"/>). Disposing ends it: the link closes, the process is killed if it still runs, its folder is
/// deleted.
/// </summary>
/// <remarks>
/// Its folder (<c>workers.folder/&lt;worker id&gt;</c>) holds the socket, the session's scratch folder and a copy of the
/// package's files, so a worker started before its package was known can read it inside a sandbox that shows it only
/// its own folder. Thread-safe: <see cref="Dispose"/> may race with anything.
/// </remarks>
internal sealed class SessionWorker : IDisposable
{
    /// <summary>How long disposal waits for a killed worker's exit before it releases it anyway.</summary>
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly WorkerUser? _user;
    private MediaLink? _link;
    private int _disposed;

    private SessionWorker(WorkerProcess process, Socket socket, string folder, TimeSpan started, WorkerUser? user)
    {
        _user = user;
        Process = process;
        _socket = socket;
        Folder = folder;
        StartTime = started;
    }

    /// <summary>The process.</summary>
    public WorkerProcess Process { get; }

    /// <summary>The worker's own folder (writable for it).</summary>
    public string Folder { get; }

    /// <summary>From starting the process to its ready frame.</summary>
    public TimeSpan StartTime { get; }

    /// <summary>
    /// Starts worker <paramref name="workerId"/> with <paramref name="launcher"/> and waits until it is connected and
    /// ready, at most <paramref name="timeout"/>. A <paramref name="warm"/> worker (started ahead of demand, for the pool)
    /// starts at the lowest CPU priority (<see cref="WorkerStartInfo.Background"/>), and at normal priority once half the
    /// timeout has passed, and warms its frame path up before it reports ready (<see cref="WorkerHost.WarmUpStreamOption"/>);
    /// one a session waits for does neither. When workers run as another user (<see cref="WorkerLauncher.User"/>), the
    /// worker's folder and socket are given to that user (the socket 0600), and <paramref name="root"/> is made
    /// traversable by others (<see cref="WorkerUser.EnsureTraversable"/>).
    /// </summary>
    /// <exception cref="WorkerStartException">It did not start, exited, or was not ready in time (then it is killed); the message says which.</exception>
    public static async Task<SessionWorker> StartAsync(WorkerLauncher launcher, string workerId, string root, TimeSpan timeout, bool warm = false)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var folder = Path.Combine(root, workerId);
        var user = launcher.User;
        var socketPath = Path.Combine(folder, "link.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        WorkerProcess? process = null;
        Socket? socket = null;
        try
        {
            Directory.CreateDirectory(folder);
            listener.Bind(new UnixDomainSocketEndPoint(socketPath));
            listener.Listen(1);
            if (user is not null && !OperatingSystem.IsWindows())
            {
                user.EnsureTraversable(root);
                user.Own(folder);
                user.Own(socketPath);
                File.SetUnixFileMode(socketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            process = launcher.Start(new WorkerStartInfo(workerId, warm ? ["--socket", socketPath, WorkerHost.WarmUpStreamOption] : ["--socket", socketPath], [], [folder], Background: warm));

            // On a CPU that live sessions keep busy, a niced start could starve until its timeout: past half of it, the
            // start finishes at normal priority.
            using var urge = warm ? new Timer(static p => ((WorkerProcess)p!).Prioritize(), process, timeout / 2, Timeout.InfiniteTimeSpan) : null;
            using var cancel = new CancellationTokenSource(timeout);
            var accept = listener.AcceptAsync(cancel.Token).AsTask();
            if (await Task.WhenAny(accept, process.Exited).ConfigureAwait(false) != accept)
            {
                var exit = await process.Exited.ConfigureAwait(false);
                throw new WorkerStartException($"Worker process {workerId} (pid {process.Pid}) ended before it connected: {exit.Message}");
            }

            socket = await accept.ConfigureAwait(false);
            var ready = WorkerFrames.ReadAsync(socket, cancel.Token);
            if (await Task.WhenAny(ready, process.Exited).ConfigureAwait(false) != ready || (await ready.ConfigureAwait(false)).Kind != WorkerFrames.Ready)
            {
                throw new WorkerStartException($"Worker process {workerId} (pid {process.Pid}) connected but did not report ready.");
            }

            return new SessionWorker(process, socket, folder, System.Diagnostics.Stopwatch.GetElapsedTime(started), user);
        }
        catch (Exception e)
        {
            socket?.Dispose();
            if (process is not null)
            {
                process.Kill(WorkerKillReason.StartTimeout, $"Worker process {workerId} did not become ready within {timeout.TotalSeconds:0.#} s (akka-media.executor.workers.start-timeout).");
                process.Dispose();
            }

            DeleteFolder(folder);
            if (e is WorkerStartException)
            {
                throw;
            }

            throw new WorkerStartException(
                e is OperationCanceledException
                    ? $"Worker process {workerId} did not become ready within {timeout.TotalSeconds:0.#} s (akka-media.executor.workers.start-timeout)."
                    : $"Worker process {workerId} could not be started: {e.GetType().Name}: {e.Message}",
                e);
        }
        finally
        {
            listener.Dispose();
        }
    }

    /// <summary>
    /// Puts <paramref name="paths"/> (the package's leased files: assemblies by simple name, or with
    /// <paramref name="natives"/> native libraries by file name) into the worker's folder, where its sandbox lets it read
    /// them; returns them there by the same names. With <paramref name="readOnly"/> (the sandbox binds them read-only)
    /// each is a hard link to the store's own file where the file system allows one: free however large the package,
    /// and the file stays should the store evict it meanwhile. Otherwise each is a copy; always without a sandbox,
    /// which could not stop the worker writing through a link into the store's file. When workers run as another user,
    /// a store file others may not read is copied instead of linked, and the copy given to that user.
    /// </summary>
    public IReadOnlyDictionary<string, string> CopyPackage(IReadOnlyDictionary<string, string> paths, bool natives = false, bool readOnly = false)
    {
        var package = Directory.CreateDirectory(Path.Combine(Folder, "package")).FullName;
        var copies = new Dictionary<string, string>(paths.Count, natives ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
        foreach (var (name, path) in paths)
        {
            // Native libraries keep their file name: the load context maps DllImport names to it.
            var copy = Path.Combine(package, natives ? Path.GetFileName(name) : name + Path.GetExtension(path));
            var readable = _user is null || WorkerUser.ReadableByOthers(path);
            if (!readOnly || !readable || !HardLink.TryCreate(path, copy))
            {
                File.Copy(path, copy, overwrite: true);
                if (!readable)
                {
                    _user!.Own(copy);
                }
            }

            copies[name] = copy;
        }

        return copies;
    }

    /// <summary>Sends the worker its session and waits for its answer: null when the code loaded (with the node's name), else why it was refused.</summary>
    /// <exception cref="IOException">The worker's socket broke (it died): see <see cref="Process"/> for why.</exception>
    public async Task<(bool Loaded, string Text)> AssignAsync(WorkerAssignment assignment, CancellationToken cancel)
    {
        try
        {
            await WorkerFrames.WriteAsync(_socket, WorkerFrames.Assign, assignment.Encode(), cancel).ConfigureAwait(false);
            var (kind, payload) = await WorkerFrames.ReadAsync(_socket, cancel).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(payload);
            return kind switch
            {
                WorkerFrames.Loaded => (true, text),
                WorkerFrames.Refused => (false, text),
                _ => throw new InvalidDataException($"Worker {Process.WorkerId} answered its assignment with frame kind {kind}."),
            };
        }
        catch (Exception e) when (e is SocketException or EndOfStreamException or ObjectDisposedException)
        {
            throw new IOException($"The socket of worker {Process.WorkerId} broke: {e.Message}", e);
        }
    }

    /// <summary>Turns the socket into the media link the session talks to its worker over (once, after a load); started.</summary>
    public MediaLink OpenLink(ExtendedActorSystem system)
    {
        var link = new MediaLink(_socket, system, $"worker {Process.WorkerId} (pid {Process.Pid})", WorkerHost.HeartbeatInterval, WorkerHost.IdleTimeout);
        _link = link;
        link.Start();
        if (Volatile.Read(ref _disposed) != 0)
        {
            link.Close(new ObjectDisposedException(nameof(SessionWorker)), peerGone: true);
        }

        return link;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_link is { } link)
        {
            link.Close(new ObjectDisposedException(nameof(SessionWorker), "The session has ended."), peerGone: true);
        }
        else
        {
            _socket.Dispose();
        }

        // Killed first and released once its exit is seen: disposing the process earlier would leave Exited (and with it
        // the pool's counts) waiting forever.
        Process.Kill(WorkerKillReason.SessionEnded, "The session has ended.");

        // At once too (a process that stops now keeps nothing of it alive); again after the exit, should the dying
        // worker have written into it meanwhile.
        DeleteFolder(Folder);
        Ended = Process.Exited.WaitAsync(ExitWait).ContinueWith(
            _ =>
            {
                Process.Dispose();
                DeleteFolder(Folder);
            },
            TaskScheduler.Default);
    }

    /// <summary>Completes once a disposed worker has exited (or was given up on) and its folder is deleted.</summary>
    public Task Ended { get; private set; } = Task.CompletedTask;

    private static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file still held: the folder stays behind in the workers' folder, nothing worse.
        }
    }
}

using System.Net.Sockets;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Executor.Loading;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Sessions;
using AkkaMedia.Protocol;
using AkkaMedia.Protocol.Codecs;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// The life of a worker process (<c>AkkaMedia.Worker</c>'s whole program): connect to the executor's socket, start an
/// actor system, report ready, take one assignment, load its code exactly as the executor does in-process, answer loaded
/// or refused, then serve the session over a <see cref="MediaLink"/> on the same socket: a remote object's calls (an
/// <see cref="ObjectCallEndpoint"/> and an <see cref="ObjectCallRunner"/>) or a shipped node's stream (a
/// <see cref="LinkChannelStage"/> joined with the node). Returns when the link closes: the worker never outlives its
/// executor.
/// </summary>
/// <remarks>
/// An <see cref="OutOfMemoryException"/> anywhere in the worker (user code allocating without end) ends the process
/// at once with <see cref="OutOfMemoryExitCode"/> after a line on standard error: the executor reports it as the memory
/// limit. The worker enforces no call timeout of its own; the executor keeps the wall clock and kills it.
/// </remarks>
internal static class WorkerHost
{
    /// <summary>The exit code of a worker that ran out of memory.</summary>
    public const int OutOfMemoryExitCode = 86;

    /// <summary>The channel of the link the executor opens for the session.</summary>
    public const int SessionChannel = 1;

    /// <summary>How often each end of the worker's link probes the other.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    /// <summary>Silence after which either end presumes the other dead (generous: a worker's GC under memory pressure is no death).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(30);

    private static readonly byte[] OutOfMemoryLine = Encoding.UTF8.GetBytes("akka-media worker: out of memory in user code; exiting with code 86\n");
    private static Stream? _stderr;
    private static int _dying;

    /// <summary>The worker's option that streams frames through a link to itself before it reports ready (<see cref="WorkerStreamWarmUp"/>).</summary>
    public const string WarmUpStreamOption = "--warm-up-stream";

    /// <summary>
    /// Runs the worker with its command line (<c>--socket PATH [--warm-up-stream]</c>); returns the process's exit code.
    /// The pool asks its warm workers for the stream warm-up: it costs their start a few hundred milliseconds that no
    /// session waits for, and spares their session's first seconds of stream the compilation of the frame path.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var socketPath = args.Length is 2 or 3 && args[0] == "--socket" ? args[1] : null;
        var warmUpStream = args.Length == 3 && args[2] == WarmUpStreamOption;
        if (socketPath is null || (args.Length == 3 && !warmUpStream))
        {
            await Console.Error.WriteLineAsync("usage: AkkaMedia.Worker --socket PATH [--warm-up-stream] (started by an executor with akka-media.executor.isolation = process)").ConfigureAwait(false);
            return 2;
        }

        _stderr = Console.OpenStandardError();

        // The worker shares its executor's standard streams, whose standard output a host may read as a protocol (READY
        // lines): whatever the worker or its user code prints goes to standard error.
        Console.SetOut(Console.Error);

        // Compiled now: when memory has run out there may be none left to compile the way out.
        RuntimeHelpers.PrepareMethod(typeof(WorkerHost).GetMethod(nameof(DieOutOfMemory), BindingFlags.NonPublic | BindingFlags.Static)!.MethodHandle);
        if (!OperatingSystem.IsWindows())
        {
            Marshal.Prelink(typeof(WorkerHost).GetMethod(nameof(Exit), BindingFlags.NonPublic | BindingFlags.Static)!);
        }

        AppDomain.CurrentDomain.FirstChanceException += static (_, e) =>
        {
            if (e.Exception is OutOfMemoryException)
            {
                DieOutOfMemory();
            }
        };

        var system = MediaActorSystem.Create("worker", ConfigurationFactory.ParseString("""
            akka.actor.provider = local
            akka.loglevel = ERROR
            akka.stdout-loglevel = OFF
            akka.log-dead-letters = off
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """));
        try
        {
            WarmUp();
            if (warmUpStream)
            {
                await WorkerStreamWarmUp.RunAsync((ExtendedActorSystem)system).ConfigureAwait(false);
            }

            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)).ConfigureAwait(false);
            return await ServeAsync(socket, (ExtendedActorSystem)system).ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
    }

    /// <summary>Serves one executor on <paramref name="socket"/> (connected, owned from now on) until its link closes; returns the exit code.</summary>
    internal static async Task<int> ServeAsync(Socket socket, ExtendedActorSystem system)
    {
        await WorkerFrames.WriteAsync(socket, WorkerFrames.Ready, [], CancellationToken.None).ConfigureAwait(false);
        byte kind;
        byte[] payload;
        try
        {
            (kind, payload) = await WorkerFrames.ReadAsync(socket, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is EndOfStreamException or SocketException)
        {
            // The executor let its warm worker go (or died) before assigning it anything.
            socket.Dispose();
            return 0;
        }

        if (kind != WorkerFrames.Assign)
        {
            await Console.Error.WriteLineAsync($"akka-media worker: expected an assignment, got frame kind {kind}").ConfigureAwait(false);
            return 3;
        }

        var assignment = WorkerAssignment.Decode(payload);
        Session session;
        try
        {
            session = await Task.Run(() => Load(assignment, system)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var what = assignment.IsNode ? "node" : "object";
            await WorkerFrames.WriteAsync(socket, WorkerFrames.Refused,
                e is CodeRejectedException ? e.Message : $"The {what} could not be loaded on the executor: {e.GetType().FullName}: {e.Message}",
                CancellationToken.None).ConfigureAwait(false);
            socket.Dispose();
            return 0;
        }

        await WorkerFrames.WriteAsync(socket, WorkerFrames.Loaded, session.Name, CancellationToken.None).ConfigureAwait(false);
        var link = new MediaLink(socket, system, "its executor", HeartbeatInterval, IdleTimeout)
        {
            OnOpen = (link, channel, sessionId) =>
            {
                if (channel == SessionChannel && sessionId == assignment.SessionId)
                {
                    session.Bind(link, channel);
                }
                else
                {
                    link.SendFailure(channel, $"This worker serves session {assignment.SessionId} on channel {SessionChannel} only.");
                }
            },
        };
        link.Start();
        await link.Closed.Task.ConfigureAwait(false);
        session.Dispose();
        return 0;
    }

    /// <summary>
    /// Runs the paths a session's load and first calls take (a load context, the object codec, the call codec) once
    /// before the worker reports ready, so that a warm worker's first session does not pay their compilation.
    /// </summary>
    private static void WarmUp()
    {
        var context = new SessionLoadContext("warm-up", new Dictionary<string, string>());
        try
        {
            var codec = new ObjectCodec(context);
            var sample = new Dictionary<string, object?> { ["numbers"] = new List<int> { 1, 2 }, ["text"] = "warm", ["when"] = DateTime.UnixEpoch };
            using (context.EnterContextualReflection())
            {
                codec.Deserialize(codec.Serialize(sample));
                var call = ObjectCallCodec.EncodeRequest(new InvokeObject(1, "Warm", codec.Serialize(new object?[] { 1, "two" })), out var rented);
                ObjectCallCodec.DecodeRequest(call);
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
                var reply = ObjectCallCodec.EncodeReply(new CallSucceeded(1, codec.Serialize(3)), out rented);
                ObjectCallCodec.DecodeReply(reply);
                System.Buffers.ArrayPool<byte>.Shared.Return(rented);
            }

            codec.Clear();
        }
        finally
        {
            context.Unload();
        }
    }

    private static Session Load(WorkerAssignment assignment, ExtendedActorSystem system)
    {
        var code = SessionCode.Load(assignment.SessionId, assignment.EntryAssembly, assignment.Paths, assignment.Natives, NoLease.Instance, assignment.Scratch);
        LoadedObject loaded;
        try
        {
            loaded = new LoadedObject(code, ObjectInvoker.Deserialize(code, assignment.Bytes, assignment.EntryAssembly));
        }
        catch
        {
            code.Dispose();
            throw;
        }

        try
        {
            return assignment.IsNode ? NodeSession(loaded, assignment, system) : ObjectSession(loaded, assignment.SessionId);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    private static Session ObjectSession(LoadedObject loaded, string sessionId)
    {
        // A call that arrives alone, with no call before it still running, runs on the link's receive thread, where it
        // arrived, and its reply is written from there: no thread is woken for it. Calls that arrive together (a caller
        // with many in flight) go to the runner's thread, so that reading the next ones overlaps running them. Either
        // way they run one at a time in order: only this thread hands calls over. The executor keeps the call timeout
        // and kills the worker past it; a long call here does not read as a dead worker (the worker's probes go out
        // from the link's timer, and the executor's wait unread in the socket, which the silence check counts as life).
        ObjectCallEndpoint? endpoint = null;
        MediaLink? bound = null;
        var runner = new ObjectCallRunner(loaded, sessionId, TimeSpan.MaxValue, onTimedOut: static (_, _) => { }, onIdleAfterClose: static () => { }, onUserException: static () => { });
        endpoint = new ObjectCallEndpoint(request =>
        {
            if (!bound!.MoreReceived && runner.IsIdle)
            {
                endpoint!.Reply(RunCall(loaded, request));
            }
            else
            {
                runner.Enqueue(request, endpoint!);
            }
        });
        return new Session(
            string.Empty,
            (link, channel) =>
            {
                bound = link;
                endpoint.Bind(link, channel);
            },
            () =>
            {
                runner.Dispose();
                loaded.Dispose();
            });
    }

    private static IObjectSessionMessage RunCall(LoadedObject loaded, IObjectSessionMessage request)
    {
        try
        {
            return ObjectInvoker.RunAsync(loaded, request).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            return new CallFailed(ObjectInvoker.CallIdOf(request), CallFailure.Rejected, e.GetType().FullName!, e.Message, e.ToString());
        }
    }

    private static Session NodeSession(LoadedObject loaded, WorkerAssignment assignment, ExtendedActorSystem system)
    {
        var (flow, name) = ShippedNodeFlow.Create(loaded.Holder, assignment.Checkpoints);
        var control = new TaskCompletionSource<ILinkStageControl>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stage = new LinkChannelStage(c => control.TrySetResult(c), assignment.Window, isClient: false, "worker-" + assignment.SessionId);
        Flow.FromGraph(stage).Join(flow).Run(system.Materializer());

        // Bound on the link's receive thread when the executor opens the channel: the stage must be running by then.
        var running = control.Task.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        return new Session(name, running.Bind, loaded.Dispose);
    }

    private static void DieOutOfMemory()
    {
        if (Interlocked.Exchange(ref _dying, 1) != 0)
        {
            return;
        }

        try
        {
            _stderr?.Write(OutOfMemoryLine);
            _stderr?.Flush();
        }
        catch
        {
            // Best effort: the exit code says it anyway.
        }

        if (OperatingSystem.IsWindows())
        {
            Environment.Exit(OutOfMemoryExitCode);
        }

        Exit(OutOfMemoryExitCode);
    }

    [DllImport("libc", EntryPoint = "_exit")]
    private static extern void Exit(int code);

    /// <summary>The loaded session: its node's name (empty for an object), how the executor's channel binds to it, and how it ends.</summary>
    private sealed class Session(string name, Action<MediaLink, int> bind, Action dispose) : IDisposable
    {
        public string Name { get; } = name;

        public void Bind(MediaLink link, int channel) => bind(link, channel);

        public void Dispose() => dispose();
    }

    /// <summary>The worker reads the executor's leased files; the lease is the executor's.</summary>
    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();

        public void Dispose()
        {
        }
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AkkaMedia.Executor.Loading;

/// <summary>
/// The dedicated threads that run shipped code (loading and deserializing it, a remote object's calls), kept for reuse:
/// a thread whose work has returned waits up to <see cref="IdleLife"/> for the next work before it ends, so that a
/// session does not pay for creating its threads. Never the thread pool's: user code may block or hang.
/// </summary>
/// <remarks>
/// <para>Each work item runs in the <see cref="ExecutionContext"/> of the code that started it (as a new thread's start
/// would flow it), which is restored afterwards: nothing user code puts in it (an <c>AsyncLocal</c>) stays with the
/// thread for the next session. Work that never returns (user code that hangs) keeps its thread, which is never reused;
/// other work gets another thread. Work must catch its own exceptions: one that escapes ends the process, as on any
/// thread of its own.</para>
/// <para>Thread-safe.</para>
/// </remarks>
internal static class UserCodeThreads
{
    /// <summary>How long a thread with no work waits for more before it ends.</summary>
    public static readonly TimeSpan IdleLife = TimeSpan.FromSeconds(10);

    private static readonly ConcurrentStack<Worker> Idle = new();
    private static int _created;

    /// <summary>How many threads were created so far, in this process (the others were reused).</summary>
    public static int Created => Volatile.Read(ref _created);

    /// <summary>Runs <paramref name="work"/> on a thread of its own: an idle one, or a new one.</summary>
    /// <param name="work">The work; it owns the thread until it returns.</param>
    /// <param name="name">The thread's name while it runs the work (in debuggers and dumps).</param>
    public static void Start(Action work, string name)
    {
        ArgumentNullException.ThrowIfNull(work);
        var context = ExecutionContext.Capture();
        while (Idle.TryPop(out var idle))
        {
            if (idle.TryAssign(work, name, context))
            {
                return;
            }
        }

        Interlocked.Increment(ref _created);
        var worker = new Worker();
        worker.TryAssign(work, name, context);
        new Thread(worker.Run) { IsBackground = true, Name = name }.UnsafeStart();
    }

    private sealed class Worker
    {
        private readonly object _gate = new();
        private Action? _work;
        private string _name = string.Empty;
        private ExecutionContext? _context;
        private bool _retired;

        /// <summary>Gives this idle worker <paramref name="work"/>; false when it has ended meanwhile.</summary>
        public bool TryAssign(Action work, string name, ExecutionContext? context)
        {
            lock (_gate)
            {
                if (_retired || _work is not null)
                {
                    return false;
                }

                _work = work;
                _name = name;
                _context = context;
                Monitor.Pulse(_gate);
                return true;
            }
        }

        public void Run()
        {
            while (true)
            {
                RunAssigned();
                Name("akka-media-user-code (idle)");
                lock (_gate)
                {
                    _work = null;
                    Idle.Push(this);
                    if (!Monitor.Wait(_gate, IdleLife) && _work is null)
                    {
                        // Left in the idle stack: whoever pops it finds it retired and moves on.
                        _retired = true;
                        return;
                    }
                }
            }
        }

        /// <summary>
        /// Runs the assigned work in a frame of its own: nothing of it (the work's closure, its context) stays referenced
        /// from this thread's stack while it waits for the next work, or it would keep a session's load context alive.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private void RunAssigned()
        {
            Action work;
            ExecutionContext? context;
            lock (_gate)
            {
                work = _work!;
                context = _context;
                _context = null;
            }

            Name(_name);
            if (context is null)
            {
                work();
            }
            else
            {
                ExecutionContext.Run(context, static state => ((Action)state!)(), work);
            }
        }

        private static void Name(string name)
        {
            try
            {
                Thread.CurrentThread.Name = name;
            }
            catch (InvalidOperationException)
            {
                // A runtime that names a thread only once: it keeps its first name.
            }
        }
    }
}

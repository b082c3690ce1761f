using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using AkkaMedia.Remote;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// What every connection of one <c>akkamedia serve</c> shares: the pipeline, the limits, the actor system it materializes
/// in, the metrics, the count of sessions against <c>max-sessions</c>, and the server's stop. Thread-safe.
/// </summary>
internal sealed class EdgeHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, Task> _connections = new();
    private int _nextConnection;
    private int _sessions;

    public EdgeHost(EdgePipeline pipeline, EdgeSettings settings, ActorSystem system, RemoteStageOptions? remoteOptions = null)
    {
        Pipeline = pipeline;
        Settings = settings;
        System = system;
        Materializer = system.Materializer();
        RemoteOptions = remoteOptions;
        Metrics = new EdgeMetrics(this);
        Log = Logging.GetLogger(system, "edge");
    }

    public EdgePipeline Pipeline { get; }

    public EdgeSettings Settings { get; }

    public ActorSystem System { get; }

    public IMaterializer Materializer { get; }

    public RemoteStageOptions? RemoteOptions { get; }

    public EdgeMetrics Metrics { get; }

    public ILoggingAdapter Log { get; }

    /// <summary>Cancelled when the server stops: every open session closes with 1001 (going away).</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Sessions open now.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    /// <summary>Takes a place among <c>max-sessions</c>; false when they are all taken (the caller refuses the connection).</summary>
    public bool TryEnter()
    {
        while (true)
        {
            var current = Volatile.Read(ref _sessions);
            if (current >= Settings.MaxSessions || _stopping.IsCancellationRequested)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _sessions, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a place taken by <see cref="TryEnter"/>.</summary>
    public void Exit() => Interlocked.Decrement(ref _sessions);

    /// <summary>Starts a session's stream for <paramref name="format"/>, counting its drops under <paramref name="protocol"/>.</summary>
    public EdgeSession StartSession(ClientAudioFormat format, string protocol)
    {
        var frames = Metrics.Frames(protocol);
        return EdgeSession.Start(Pipeline, format, Settings, Materializer, RemoteOptions, frames.Dropped);
    }

    /// <summary>Runs one connection's handler, so that <see cref="DisposeAsync"/> can wait for it.</summary>
    public async Task RunConnectionAsync(Func<Task> handler)
    {
        var id = Interlocked.Increment(ref _nextConnection);
        var task = handler();
        _connections[id] = task;
        try
        {
            await task.ConfigureAwait(false);
        }
        finally
        {
            _connections.TryRemove(id, out _);
        }
    }

    /// <summary>Closes every session (1001, "server shutting down") and waits for their handlers, up to twice the close timeout.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(Settings.CloseTimeout * 2).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.Warning("Edge sessions still closing when the server stopped: {0}", e.Message);
        }

        Metrics.Dispose();
        _stopping.Dispose();
    }
}

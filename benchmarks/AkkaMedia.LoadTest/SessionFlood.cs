using System.Diagnostics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// A flood of session opens beside the paced streams (<c>paced --flood N</c>): N workers each open a session, send it one
/// frame, wait for it back and close it, again and again as fast as they can until stopped. Opens the executor refuses
/// (beyond <c>akka-media.executor.max-sessions</c> or <c>max-session-opens-per-second</c>) are counted with the first
/// refusal as the client saw it.
/// </summary>
internal sealed class SessionFlood(ActorSystem system, RemoteTransport transport, int workers)
{
    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(60);
    private long _opened;
    private long _refused;
    private long _rateLimited;
    private long _failed;
    private string? _firstRefusal;
    private string? _firstFailure;

    /// <summary>Runs the workers until <paramref name="stop"/> is cancelled; completes when each has finished its last open.</summary>
    public Task RunAsync(CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkerAsync(stop), CancellationToken.None)));

    /// <summary>The flood's figures for a window of <paramref name="seconds"/>, with the paced streams' round trips before and during it.</summary>
    public FloodResult Result(double seconds, List<long> without, List<long> with) => new(
        workers,
        Math.Round(seconds, 1),
        Interlocked.Read(ref _opened),
        Interlocked.Read(ref _refused),
        Interlocked.Read(ref _failed),
        seconds <= 0 ? 0 : Math.Round((Interlocked.Read(ref _opened) + Interlocked.Read(ref _refused)) / seconds, 0),
        without.Count,
        Percentile(without, 0.50),
        Percentile(without, 0.99),
        with.Count,
        Percentile(with, 0.50),
        Percentile(with, 0.99),
        _firstRefusal,
        _firstFailure,
        Interlocked.Read(ref _rateLimited));

    private async Task WorkerAsync(CancellationToken stop)
    {
        var flow = LoadTestFrames.PassThrough(transport);
        var materializer = system.Materializer();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Source.Single(LoadTestFrames.Create(0))
                    .Via(flow)
                    .RunWith(Sink.ForEach<AudioFrame>(static f => f.Release()), materializer)
                    .WaitAsync(OpenTimeout, CancellationToken.None);
                Interlocked.Increment(ref _opened);
            }
            catch (Exception e)
            {
                var error = e.GetBaseException().Message;
                var rateLimited = error.Contains("max-session-opens-per-second", StringComparison.Ordinal);
                if (rateLimited || error.Contains("at capacity", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _refused);
                    if (rateLimited)
                    {
                        Interlocked.Increment(ref _rateLimited);
                    }

                    Interlocked.CompareExchange(ref _firstRefusal, error, null);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                    Interlocked.CompareExchange(ref _firstFailure, $"{e.GetBaseException().GetType().Name}: {error}", null);
                }
            }
        }
    }

    /// <summary>The <paramref name="p"/> percentile of <paramref name="values"/> (Stopwatch ticks, sorted here) in milliseconds.</summary>
    internal static double Percentile(List<long> values, double p)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        var rank = (int)Math.Ceiling(p * values.Count) - 1;
        return Math.Round(values[Math.Clamp(rank, 0, values.Count - 1)] * 1000.0 / Stopwatch.Frequency, 3);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using AkkaMedia.Diagnostics;

namespace AkkaMedia.Tests.Tracing;

/// <summary>
/// Listens to AkkaMedia's activity source while it lives, recording every span when it stops. Listeners are
/// process-wide: specs that use one, or that need nobody to listen, belong to <see cref="TracingCollection"/>.
/// Compiled into each test project that traces (linked, not referenced).
/// </summary>
internal sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == AkkaMediaTelemetry.ActivitySourceName,
            Sample = (ref _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The stopped spans named <paramref name="name"/>, in the order they stopped.</summary>
    public IReadOnlyList<Activity> Stopped(string name) => _stopped.Where(a => a.OperationName == name).ToList();

    public void Dispose() => _listener.Dispose();
}

/// <summary>Specs that listen to AkkaMedia's activity source, or need that nobody does, run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "tracing";
}

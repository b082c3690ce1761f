namespace AkkaMedia.Host.Progress;

/// <summary>
/// Progress for an output that is not a terminal (a file, a pipe, a test): once a second a line
/// <c>run: N elements through the pipeline, x s of y s media, real-time factor r</c>, nothing else.
/// </summary>
internal sealed class PlainProgressDisplay : IAsyncDisposable
{
    private readonly Timer _timer;

    public PlainProgressDisplay(TextWriter output, RunCounters counters, TimeSpan? total, TimeSpan interval) =>
        _timer = new Timer(_ =>
        {
            var snapshot = counters.Snapshot();
            output.WriteLine($"run: {snapshot.Elements} elements through the pipeline{RunProgressText.Media(snapshot, total)}");
        }, null, interval, interval);

    public ValueTask DisposeAsync() => _timer.DisposeAsync();
}

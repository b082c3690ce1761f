using AkkaMedia.Host.Logs;
using Spectre.Console;

namespace AkkaMedia.Host.Progress;

/// <summary>
/// Progress on a terminal: a Spectre.Console bar sized by the source's media duration (a pulsing bar when it is
/// unknown) with frames, media time and real-time factor, redrawn a few times a second. While it is live, log lines
/// that would go to the same terminal are printed above it through the console instead of across it. Disposing
/// draws the last state and leaves it on screen.
/// </summary>
internal sealed class LiveProgressDisplay : IAsyncDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(200);

    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IDisposable? _divertedLogs;
    private readonly Task _display;

    /// <param name="console">The terminal (or a test console).</param>
    /// <param name="counters">What the run has done so far.</param>
    /// <param name="total">Media duration of the source, null when unknown.</param>
    /// <param name="logs">Log output to print through <paramref name="console"/> while live; null to leave it alone (it goes elsewhere).</param>
    public LiveProgressDisplay(IAnsiConsole console, RunCounters counters, TimeSpan? total, LogOutput? logs)
    {
        _divertedLogs = logs?.Divert(line => console.WriteLine(line, Style.Plain));
        _display = console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new SpinnerColumn(), new ProgressBarColumn { Width = 20 }, new PercentageColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .StartAsync(context => ShowAsync(context, counters, total));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.TrySetResult();
        try
        {
            await _display.ConfigureAwait(false);
        }
        finally
        {
            _divertedLogs?.Dispose();
        }
    }

    private async Task ShowAsync(ProgressContext context, RunCounters counters, TimeSpan? total)
    {
        var task = context.AddTask(Markup.Escape(RunProgressText.Short(counters.Snapshot(), total)), maxValue: Math.Max(total?.TotalSeconds ?? 1, 0.001));
        task.IsIndeterminate = total is null;
        while (!_stop.Task.IsCompleted)
        {
            Update(task, counters.Snapshot(), total);
            await Task.WhenAny(_stop.Task, Task.Delay(Refresh)).ConfigureAwait(false);
        }

        Update(task, counters.Snapshot(), total);
        task.IsIndeterminate = false;
        task.StopTask();
    }

    private static void Update(ProgressTask task, RunSnapshot snapshot, TimeSpan? total)
    {
        task.Description = Markup.Escape(RunProgressText.Short(snapshot, total));
        if (total is not null)
        {
            task.Value = Math.Min(snapshot.Media.TotalSeconds, task.MaxValue);
        }
    }
}

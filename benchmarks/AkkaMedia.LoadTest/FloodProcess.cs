using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The flood of <c>paced --flood N --flood-process</c> in a client process of its own (mode <c>flood</c>), so that the
/// paced streams' driver does not share its threads and garbage collector with the flood: it joins the executor's cluster,
/// prints <c>FLOODING</c> when its workers start, floods for <c>--seconds</c> and prints its <see cref="FloodResult"/> as
/// one JSON line.
/// </summary>
internal static class FloodProcess
{
    /// <summary>The child's side: runs the flood and prints its result.</summary>
    public static async Task<int> RunAsync(LoadTestArguments arguments, TextWriter results)
    {
        var seed = arguments.Seed ?? throw new InvalidOperationException("flood needs --seed EXECUTOR-ADDRESS.");
        var system = MediaActorSystem.Create(LoadTestConfig.SystemName, LoadTestConfig.Client(seed, arguments.Settings));
        try
        {
            var found = await ExecutorDirectory.Get(system).GetExecutorsAsync("executor", TimeSpan.FromSeconds(60));
            if (!found.Any(e => e.Address == seed))
            {
                Console.Error.WriteLine($"The flood process did not see executor {seed} within 60 s.");
                return 1;
            }

            var flood = new SessionFlood(system, arguments.Transports[0], arguments.Flood);
            using var stop = new CancellationTokenSource();
            var started = Stopwatch.GetTimestamp();
            var run = flood.RunAsync(stop.Token);
            results.WriteLine("FLOODING");
            results.Flush();
            await Task.Delay(TimeSpan.FromSeconds(arguments.Seconds ?? 10));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(60));
            results.WriteLine(JsonSerializer.Serialize(flood.Result(seconds, [], []), LoadTestDriver.Json));
            results.Flush();
            return 0;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// The driver's side: starts the flood child against <paramref name="executor"/> for <paramref name="seconds"/>;
    /// <paramref name="flooding"/> completes when its workers start, the returned task with its result. The child is
    /// killed with its process tree when <paramref name="abort"/> is cancelled or whatever else ends the wait. With
    /// <paramref name="nice"/> it runs at the lowest CPU priority.
    /// </summary>
    public static async Task<FloodResult> StartAsync(
        string executor, RemoteTransport transport, int workers, int seconds, IReadOnlyList<string> settings, bool nice, TaskCompletionSource flooding, CancellationToken abort)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown; cannot start the flood."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(start.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("Running under dotnet without an entry assembly."));
        }

        foreach (var argument in new[] { "flood", "--seed", executor, "--flood", workers.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seconds", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--transport", LoadTestArguments.NameOf(transport) })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var setting in settings)
        {
            start.ArgumentList.Add("--set");
            start.ArgumentList.Add(setting);
        }

        using var process = new Process { StartInfo = start };
        var result = new TaskCompletionSource<FloodResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == "FLOODING")
            {
                flooding.TrySetResult();
            }
            else if (e.Data is { } line && line.StartsWith('{'))
            {
                result.TrySetResult(JsonSerializer.Deserialize<FloodResult>(line, LoadTestDriver.Json)!);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line && (line.Contains("ERROR", StringComparison.Ordinal) || line.Contains("WARN", StringComparison.Ordinal)))
            {
                Console.Error.WriteLine($"[flood {process.Id}] {line}");
            }
        };
        process.Start();
        if (nice)
        {
            // Nice 19 before it has joined the cluster: it stands in for a client on another machine.
            process.PriorityClass = ProcessPriorityClass.Idle;
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return await result.Task.WaitAsync(TimeSpan.FromSeconds(seconds + 120), abort);
        }
        finally
        {
            flooding.TrySetCanceled(CancellationToken.None);
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}

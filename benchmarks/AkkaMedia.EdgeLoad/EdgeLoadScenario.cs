using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// The <c>run</c> and <c>client</c> modes. <c>run</c> starts an executor node (<c>akkamedia node</c>),
/// <c>akkamedia serve PIPELINE</c> joined to it, and the floor (this program in <c>floor-server</c> mode),
/// then measures every point against each target in turn from this one client process, so the floor and
/// the edge are measured by the same client under the same machine conditions. Every child is killed in
/// every outcome. Results: one JSON line per point, then a table.
/// </summary>
internal static class EdgeLoadScenario
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> RunAsync(EdgeLoadArguments arguments, TextWriter results)
    {
        var children = new List<ChildProcess>();
        try
        {
            var targets = new List<(string Name, Uri Url, ProcessCpu[] Cpu)>();
            foreach (var target in arguments.Targets)
            {
                targets.Add(target == EdgeLoadArguments.Serve
                    ? await StartServeAsync(arguments, children)
                    : await StartFloorAsync(arguments, children));
            }

            var points = new List<PointResult>();
            foreach (var (name, url, cpu) in targets)
            {
                await WarmUpAsync(name, url, arguments, cpu);
            }

            foreach (var sessions in arguments.Sessions)
            {
                foreach (var (name, url, cpu) in targets)
                {
                    points.Add(await MeasureAsync(name, url, sessions, arguments, cpu, results));
                    await Task.Delay(Settle);
                }
            }

            results.WriteLine(Table(points));
            foreach (var group in points.GroupBy(p => p.Sessions))
            {
                if (group.FirstOrDefault(p => p.Target == EdgeLoadArguments.Floor) is { } floor && group.FirstOrDefault(p => p.Target == EdgeLoadArguments.Serve) is { } serve)
                {
                    results.WriteLine(FormattableString.Invariant(
                        $"K={group.Key}: round-trip p99 serve {serve.RoundTrip.P99Ms} ms / floor {floor.RoundTrip.P99Ms} ms = {Ratio(serve.RoundTrip.P99Ms, floor.RoundTrip.P99Ms)}x; steady {serve.Steady.P99Ms} / {floor.Steady.P99Ms} = {Ratio(serve.Steady.P99Ms, floor.Steady.P99Ms)}x; setup p50 (one at a time) serve {serve.SetupUnderLoad.P50Ms} ms, floor {floor.SetupUnderLoad.P50Ms} ms"));
                }
            }

            return points.All(p => p.Clean) ? 0 : 1;
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or FileNotFoundException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            foreach (var child in Enumerable.Reverse(children))
            {
                child.Dispose();
            }
        }
    }

    public static async Task<int> RunClientAsync(EdgeLoadArguments arguments, TextWriter results)
    {
        var url = arguments.Url!;
        var cpu = new[] { new ProcessCpu("client", Environment.ProcessId) };
        await WarmUpAsync(url.ToString(), url, arguments, cpu);
        var points = new List<PointResult>();
        foreach (var sessions in arguments.Sessions)
        {
            points.Add(await MeasureAsync(url.ToString(), url, sessions, arguments, cpu, results));
            await Task.Delay(Settle);
        }

        results.WriteLine(Table(points));
        return points.All(p => p.Clean) ? 0 : 1;
    }

    private static async Task<(string, Uri, ProcessCpu[])> StartServeAsync(EdgeLoadArguments arguments, List<ChildProcess> children)
    {
        var repository = RepositoryRoot();
        var host = arguments.HostDll ?? Path.Combine(repository ?? ".", "AkkaMedia.Host", "bin", "Release", "net10.0", "akkamedia.dll");
        if (!File.Exists(host))
        {
            throw new FileNotFoundException($"{host} does not exist: build it with 'dotnet build AkkaMedia.Host -c Release', or name it with --host.");
        }

        var pipeline = File.Exists(arguments.Pipeline) || repository is null ? arguments.Pipeline : Path.Combine(repository, arguments.Pipeline);
        if (!File.Exists(pipeline))
        {
            throw new FileNotFoundException($"The pipeline file {arguments.Pipeline} does not exist (looked in the current directory and the repository root).");
        }

        var remotingPort = Invariant(ChildProcess.FreeLoopbackPort());
        var seed = "127.0.0.1:" + remotingPort;
        var executor = await ChildProcess.StartAsync("executor", "dotnet",
            [host, "node", "--hostname", "127.0.0.1", "--port", remotingPort, "--seeds", seed, "--roles", "executor", "--admin-port", "0"],
            ReadyTimeout, arguments.Verbose, arguments.ServerEnvironment);
        children.Add(executor);

        var httpPort = ChildProcess.FreeLoopbackPort();
        var maxSessions = Invariant(arguments.Sessions.Append(50).Max() + 10);
        var serve = await ChildProcess.StartAsync("serve", "dotnet",
            [host, "serve", pipeline, "--seeds", seed, "--http-port", Invariant(httpPort), "--max-sessions", maxSessions, .. arguments.ServeArguments],
            ReadyTimeout, arguments.Verbose, arguments.ServerEnvironment);
        children.Add(serve);
        var url = MediaUrl(serve.ReadyLine) ?? new Uri($"ws://127.0.0.1:{Invariant(httpPort)}/media");
        Console.Error.WriteLine($"[serve] ready: {serve.ReadyLine.Trim()} → {url}");
        return (EdgeLoadArguments.Serve, url,
            [new ProcessCpu("client", Environment.ProcessId), new ProcessCpu("serve", serve.ProcessId), new ProcessCpu("executor", executor.ProcessId)]);
    }

    private static async Task<(string, Uri, ProcessCpu[])> StartFloorAsync(EdgeLoadArguments arguments, List<ChildProcess> children)
    {
        var program = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown; cannot start the floor.");
        var prefix = Path.GetFileNameWithoutExtension(program).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? new[] { Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("Running under dotnet without an entry assembly.") }
            : [];
        var port = ChildProcess.FreeLoopbackPort();
        var floor = await ChildProcess.StartAsync("floor", program,
            [.. prefix, "floor-server", "--port", Invariant(port), "--parent", Invariant(Environment.ProcessId)],
            ReadyTimeout, arguments.Verbose);
        children.Add(floor);
        return (EdgeLoadArguments.Floor, new Uri($"ws://127.0.0.1:{Invariant(port)}/media"),
            [new ProcessCpu("client", Environment.ProcessId), new ProcessCpu("floor", floor.ProcessId)]);
    }

    private static async Task WarmUpAsync(string name, Uri url, EdgeLoadArguments arguments, ProcessCpu[] cpu)
    {
        if (arguments.WarmupSeconds == 0)
        {
            return;
        }

        var warm = await LoadPoint.RunAsync(name, url, Math.Min(50, arguments.Sessions.Min()), arguments.WarmupSeconds, arguments, cpu);
        Console.Error.WriteLine($"[{name}] warm-up: {warm.Started} sessions, p99 {warm.RoundTrip.P99Ms} ms, {warm.FramesLost} lost{(warm.Failures.Count > 0 ? ", " + warm.Failures[0] : string.Empty)}");
    }

    private static async Task<PointResult> MeasureAsync(string name, Uri url, int sessions, EdgeLoadArguments arguments, ProcessCpu[] cpu, TextWriter results)
    {
        Console.Error.WriteLine($"[{name}] {sessions} sessions, {arguments.Seconds} s (load average {Machine.LoadAverage().ToString(CultureInfo.InvariantCulture)})");
        var point = await LoadPoint.RunAsync(name, url, sessions, arguments.Seconds, arguments, cpu);
        results.WriteLine(JsonSerializer.Serialize(point, Json));
        results.Flush();
        return point;
    }

    /// <summary>The <c>ws://…/media</c> URL of the <c>http://host:port</c> a <c>READY</c> line names; null when it names none.</summary>
    private static Uri? MediaUrl(string readyLine)
    {
        var at = readyLine.IndexOf("http://", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var address = readyLine[at..].Split(' ', 2)[0].TrimEnd('/');
        return Uri.TryCreate("ws://" + address["http://".Length..] + "/media", UriKind.Absolute, out var url) ? url : null;
    }

    private static string? RepositoryRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "AkkaMedia.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        return null;
    }

    private static string Table(IReadOnlyList<PointResult> points)
    {
        var table = new StringBuilder();
        table.AppendLine("| target | K | started | setup p50 / p99 ms (ramp) | setup p50 / p99 ms (one at a time) | first packet p50 / p99 ms | round trip p50 / p90 / p99 / max ms | steady p99 ms | sent | received | dropped | lost | failed (lost in them) | CPU % | load |");
        table.AppendLine("|---|---:|---:|---|---|---|---|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var p in points)
        {
            var cpu = string.Join(", ", p.CpuPercent.Select(c => $"{c.Key} {Invariant(c.Value)}"));
            table.AppendLine(FormattableString.Invariant(
                $"| {p.Target} | {p.Sessions} | {p.Started} | {p.Setup.P50Ms} / {p.Setup.P99Ms} | {p.SetupUnderLoad.P50Ms} / {p.SetupUnderLoad.P99Ms} | {p.FirstRoundTrip.P50Ms} / {p.FirstRoundTrip.P99Ms} | {p.RoundTrip.P50Ms} / {p.RoundTrip.P90Ms} / {p.RoundTrip.P99Ms} / {p.RoundTrip.MaxMs} | {p.Steady.P99Ms} | {p.FramesSent} | {p.FramesReceived} | {p.FramesDropped} | {p.FramesLost} | {p.SessionsFailed} ({p.FramesLostInFailedSessions}) | {cpu} | {p.LoadAverage} |"));
        }

        return table.ToString();
    }

    private static double Ratio(double a, double b) => b > 0 ? Math.Round(a / b, 2) : double.NaN;

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>The parsed command line of the load test.</summary>
/// <param name="Scenario"><c>throughput</c>, <c>paced</c>, <c>all</c>, <c>calls</c>, <c>growth</c>, <c>chaos</c>, <c>soak</c> or <c>executor</c>.</param>
/// <param name="Transports">The transports to measure, in order.</param>
/// <param name="Seconds">Duration of one throughput run or of one paced scenario; null for the scenario's default.</param>
/// <param name="Runs">Throughput runs whose median is reported.</param>
/// <param name="Streams">Concurrent paced streams (for <c>all</c>: the large paced scenario).</param>
/// <param name="Wave">Paced streams opened at once; the next wave starts when every stream of this one has a frame back.</param>
/// <param name="WarmupSeconds">Full-speed warm-up before each measured scenario (JIT, connections), not reported.</param>
/// <param name="PaceResolutionMs">How often the paced clock hands out due ticks, milliseconds (1 spreads K streams evenly; 10 sends them in two bursts per 20 ms, as Akka's scheduler would).</param>
/// <param name="Callers">Calls scenario: concurrent callers of the <c>concurrent</c> mode.</param>
/// <param name="InFlight">Calls scenario: calls kept in flight by the <c>pipelined</c> mode.</param>
/// <param name="Cycles">Calls scenario: measured deploy + call + dispose cycles of the <c>cycle</c> mode.</param>
/// <param name="Settings">Extra HOCON lines (<c>--set</c>) given to both processes.</param>
/// <param name="Port">Executor mode: the remoting port to listen on; 0 (the default) for one the system picks.</param>
/// <param name="ParentPid">Executor mode: exit when this process is gone; 0 for none.</param>
/// <param name="StreamCounts">Growth scenario: the stream counts K to measure, in order.</param>
/// <param name="ExecutorCounts">Growth scenario: the executor process counts to measure, in order.</param>
/// <param name="Chart">Growth and soak scenarios: where to write the PNG chart; null for none.</param>
/// <param name="From">Growth scenario: a file of JSON lines of an earlier run to draw the table and chart from, instead of measuring; null to measure.</param>
/// <param name="Seed">Executor mode: the addresses of the cluster's seed nodes, comma-separated (it joins through the first that answers); null to be its own seed.</param>
/// <param name="KillEverySeconds">Chaos scenario: seconds between two executor kills.</param>
/// <param name="Objects">Chaos scenario: durable counters called beside the streams.</param>
/// <param name="Minutes">Soak scenario: minutes measured once every stream runs; null for the default (30).</param>
/// <param name="StartAfterPlacement">Paced: each stream sends one frame (its session-open probe) and then waits until every stream is placed, so placing does not compete with running streams.</param>
/// <param name="FloodProcess">Paced with a flood: run the flood in a client process of its own (<c>--flood-process</c>).</param>
/// <param name="FloodNice">Paced with <c>--flood-process</c>: the flood process runs at the lowest CPU priority (<c>--flood-nice</c>), standing in for a client on another machine: it gets the CPU the others leave.</param>
/// <param name="FloodElsewhere">Paced with <c>--flood-process</c>: the flood targets an executor process of its own instead of the paced streams' (<c>--flood-elsewhere</c>), the control for what the flood costs through the machine's CPU alone.</param>
/// <param name="OpenRate">Paced: open the streams at no more than this many a second (<c>--open-rate</c>; 0, the default, opens each wave at once).</param>
/// <param name="Flood">Paced: workers that open and close sessions as fast as they can in the second half of the steady window (0 = no flood).</param>
internal sealed record LoadTestArguments(
    string Scenario,
    IReadOnlyList<RemoteTransport> Transports,
    int? Seconds,
    int Runs,
    int Streams,
    int Wave,
    int WarmupSeconds,
    int PaceResolutionMs,
    int Callers,
    int InFlight,
    int Cycles,
    IReadOnlyList<string> Settings,
    int Port,
    int ParentPid,
    IReadOnlyList<int> StreamCounts,
    IReadOnlyList<int> ExecutorCounts,
    string? Chart,
    string? From,
    string? Seed,
    int KillEverySeconds = 10,
    int Objects = 50,
    bool StartAfterPlacement = false,
    int? Minutes = null,
    int Flood = 0,
    bool FloodProcess = false,
    bool FloodNice = false,
    int OpenRate = 0,
    bool FloodElsewhere = false)
{
    public const string Usage = """
        usage: AkkaMedia.LoadTest <scenario> [options]
          throughput [--transport link|streamrefs] [--seconds 5] [--runs 3]
          paced [--streams 1] [--seconds 20] [--transport link|streamrefs] [--wave 50] [--open-rate R] [--start-after-placement] [--flood N [--flood-process [--flood-nice] [--flood-elsewhere]]]
                 (--flood N: N workers open and close sessions as fast as they can in the second half of the run;
                  --flood-process: in a client process of their own instead of the driver;
                  --flood-nice: that process at the lowest CPU priority, as if on another machine;
                  --flood-elsewhere: that process floods an executor of its own, not the streams' (the control);
                  --open-rate R: open the paced streams at most R a second, within an executor's per-client rate)
          all [--streams 500] [--seconds 20] [--runs 3] [--transport link|streamrefs]   (no --transport: both)
          calls [--seconds 5] [--callers 16] [--inflight 256] [--cycles 200]   (remote object calls; not part of all)
          growth [--streams 1,10,100,500,1000,2000] [--executors 1,2] [--seconds 10] [--wave 50] [--chart PATH.png]
                 (paced streams held for --seconds once all run, for each executor count × stream count)
          growth --from RUN.jsonl [--chart PATH.png]   (table and chart of an earlier run's JSON lines, no measuring)
          chaos [--streams 300] [--objects 50] [--executors 3] [--seconds 120] [--kill-every 10]
                 (a third of the streams stateless with failover, a third stateful (Echo) with failover, a third
                  without; one executor killed with SIGKILL and replaced every --kill-every seconds)
          soak [--minutes 30] [--streams 500] [--chart PATH.png]
                 (paced streams through one executor for --minutes; every minute 10 % of them replaced by new ones,
                  a remote object deployed, called and disposed every 500 ms beside them; one JSON line per minute:
                  p99, frames lost, RSS and heap of both processes, sessions and load contexts leaked)
          executor [--port P] [--parent PID] [--seed ADDRESS]   (internal: started by the driver)
        common options:
          --warmup S          full-speed warm-up before each scenario, seconds (default 1, 0 = none)
          --pace-resolution MS how often the paced clock hands out due ticks (default 1; 10 = bursts like Akka's scheduler)
          --set "key = value" extra HOCON for both processes (repeatable), e.g. --set "akka-media.remote.link-window = 256"
        """;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="FormatException">The command line is not valid; the message says what is wrong.</exception>
    public static LoadTestArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new FormatException("No scenario given.");
        }

        var scenario = args[0].ToLowerInvariant();
        if (scenario is not ("throughput" or "paced" or "all" or "calls" or "growth" or "chaos" or "soak" or "executor" or "flood"))
        {
            throw new FormatException($"Unknown scenario '{args[0]}'; expected throughput, paced, all, calls, growth, chaos, soak or executor.");
        }

        RemoteTransport? transport = null;
        int? seconds = null;
        var runs = 3;
        IReadOnlyList<int>? streams = null;
        IReadOnlyList<int>? executors = null;
        var killEvery = 10;
        var objects = 50;
        string? chart = null;
        string? from = null;
        string? seed = null;
        var wave = 50;
        var warmup = 1;
        var resolution = 1;
        var callers = 16;
        var inFlight = 256;
        var cycles = 200;
        var settings = new List<string>();
        var port = 0;
        var parent = 0;
        var startAfterPlacement = false;
        int? minutes = null;
        var flood = 0;
        var floodProcess = false;
        var floodNice = false;
        var openRate = 0;
        var floodElsewhere = false;
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--start-after-placement")
            {
                startAfterPlacement = true;
                continue;
            }

            if (name == "--flood-process")
            {
                floodProcess = true;
                continue;
            }

            if (name == "--flood-nice")
            {
                floodNice = true;
                continue;
            }

            if (name == "--flood-elsewhere")
            {
                floodElsewhere = true;
                continue;
            }

            var value = i + 1 < args.Count ? args[++i] : throw new FormatException($"Option {name} needs a value.");
            switch (name)
            {
                case "--transport":
                    transport = ParseTransport(value);
                    break;
                case "--seconds":
                    seconds = Positive(name, value);
                    break;
                case "--runs":
                    runs = Positive(name, value);
                    break;
                case "--streams":
                    streams = PositiveList(name, value);
                    break;
                case "--executors":
                    executors = PositiveList(name, value);
                    break;
                case "--chart":
                    chart = value;
                    break;
                case "--from":
                    from = value;
                    break;
                case "--seed":
                    seed = value;
                    break;
                case "--wave":
                    wave = Positive(name, value);
                    break;
                case "--warmup":
                    warmup = NonNegative(name, value);
                    break;
                case "--pace-resolution":
                    resolution = Positive(name, value);
                    break;
                case "--callers":
                    callers = Positive(name, value);
                    break;
                case "--inflight":
                    inFlight = Positive(name, value);
                    break;
                case "--cycles":
                    cycles = Positive(name, value);
                    break;
                case "--set":
                    settings.Add(value);
                    break;
                case "--port":
                    port = Positive(name, value);
                    break;
                case "--kill-every":
                    killEvery = Positive(name, value);
                    break;
                case "--objects":
                    objects = NonNegative(name, value);
                    break;
                case "--minutes":
                    minutes = Positive(name, value);
                    break;
                case "--flood":
                    flood = NonNegative(name, value);
                    break;
                case "--open-rate":
                    openRate = Positive(name, value);
                    break;
                case "--parent":
                    parent = NonNegative(name, value);
                    break;
                default:
                    throw new FormatException($"Unknown option '{name}'.");
            }
        }

        if (scenario != "growth" && streams is { Count: > 1 })
        {
            throw new FormatException("--streams takes one count except for growth.");
        }

        if (scenario == "chaos" && executors is { Count: > 1 })
        {
            throw new FormatException("--executors takes one count for chaos.");
        }

        if (scenario == "chaos" && executors is [< 2])
        {
            throw new FormatException("chaos needs at least 2 executors: a killed one's streams move to a survivor.");
        }

        IReadOnlyList<int> streamCounts = streams ?? (scenario switch
        {
            "growth" => [1, 10, 100, 500, 1000, 2000],
            "all" => [500],
            "chaos" => [300],
            "soak" => [500],
            _ => [1],
        });

        IReadOnlyList<RemoteTransport> transports = transport is { } chosen
            ? [chosen]
            : scenario == "all" ? [RemoteTransport.MediaLink, RemoteTransport.StreamRefs] : [RemoteTransport.MediaLink];
        return new LoadTestArguments(
            scenario, transports, seconds, runs, streamCounts[0], wave, warmup, resolution, callers, inFlight, cycles, settings, port, parent, streamCounts, executors ?? (scenario == "chaos" ? [3] : [1, 2]), chart, from, seed, killEvery, objects, startAfterPlacement, minutes, flood, floodProcess, floodNice, openRate, floodElsewhere);
    }

    /// <summary>The name used on the command line and in results.</summary>
    public static string NameOf(RemoteTransport transport) => transport == RemoteTransport.MediaLink ? "link" : "streamrefs";

    private static RemoteTransport ParseTransport(string value) => value.ToLowerInvariant() switch
    {
        "link" => RemoteTransport.MediaLink,
        "streamrefs" => RemoteTransport.StreamRefs,
        _ => throw new FormatException($"Unknown transport '{value}'; expected link or streamrefs."),
    };

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"{name} must be a positive integer, not '{value}'.");

    private static int[] PositiveList(string name, string value)
    {
        int[] values = [.. value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(v => Positive(name, v))];
        return values.Length > 0 ? values : throw new FormatException($"{name} needs at least one positive integer, not '{value}'.");
    }

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new FormatException($"{name} must be a non-negative integer, not '{value}'.");
}

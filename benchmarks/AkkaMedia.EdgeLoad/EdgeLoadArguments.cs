using System.Globalization;

namespace AkkaMedia.EdgeLoad;

/// <summary>The parsed command line of the edge load test.</summary>
/// <param name="Mode">What to do.</param>
/// <param name="Sessions">The points: concurrent sessions K, in order.</param>
/// <param name="Seconds">Paced seconds per point, counted from the moment the last session of the point is started.</param>
/// <param name="Targets">Run mode: the servers measured at each point, in order (<c>floor</c>, <c>serve</c>).</param>
/// <param name="SampleRate">The client's rate in <c>start</c> (48000 = the pipeline's rate, no resampling at the edge).</param>
/// <param name="Wave">Sessions being set up at once (connect + start → started).</param>
/// <param name="SetupProbes">Sessions opened one at a time during each point's paced window to time setup under load (0 = none).</param>
/// <param name="WarmupSeconds">Paced warm-up against each target before its first point (JIT, connection pools), not reported; 0 = none.</param>
/// <param name="PaceResolutionMs">How often the clock thread wakes to send the packets that are due.</param>
/// <param name="Url">Client mode: the <c>/media</c> WebSocket URL.</param>
/// <param name="HostDll">Run mode: the path of <c>akkamedia.dll</c>.</param>
/// <param name="Pipeline">Run mode: the pipeline file given to <c>serve</c>.</param>
/// <param name="ServeArguments">Run mode: extra arguments for <c>serve</c>.</param>
/// <param name="ServerEnvironment">Run mode: extra environment variables of the <c>akkamedia</c> processes (executor and serve), e.g. runtime settings to compare.</param>
/// <param name="Verbose">Run mode: forward every line the child processes write to standard error.</param>
/// <param name="Port">Floor-server mode: the port to listen on.</param>
/// <param name="ParentPid">Floor-server mode: exit when this process is gone; 0 for none.</param>
internal sealed record EdgeLoadArguments(
    EdgeLoadMode Mode,
    IReadOnlyList<int> Sessions,
    int Seconds,
    IReadOnlyList<string> Targets,
    int SampleRate,
    int Wave,
    int SetupProbes,
    int WarmupSeconds,
    int PaceResolutionMs,
    Uri? Url,
    string? HostDll,
    string Pipeline,
    IReadOnlyList<string> ServeArguments,
    IReadOnlyDictionary<string, string> ServerEnvironment,
    bool Verbose,
    int Port,
    int ParentPid)
{
    public const string Floor = "floor";
    public const string Serve = "serve";

    public const string Usage = """
        usage: AkkaMedia.EdgeLoad <mode> [options]
          run [--sessions 100,200,300,500] [--seconds 15] [--targets floor,serve]
              [--pipeline hocon/pipelines/live-loopback.conf] [--host AkkaMedia.Host/bin/Release/net10.0/akkamedia.dll]
              [--serve-arg ARG]... [--env NAME=VALUE]... [--verbose]
          client --url ws://127.0.0.1:8080/media [--sessions 100] [--seconds 15]
          floor-server --port P [--parent PID]   (started by run)
        common options:
          --rate 48000          the client's sample rate in start (16000 exercises the edge's resampler)
          --wave 50             sessions set up at once
          --setup-probes 20     sessions opened one at a time during each point to time setup under load
          --warmup 10           paced warm-up seconds against each target before its first point (0 = none)
          --pace-resolution 1   how often the clock thread wakes, milliseconds
        """;

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="FormatException">The command line is not valid; the message says what is wrong.</exception>
    public static EdgeLoadArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            throw new FormatException("No mode given.");
        }

        var mode = args[0].ToLowerInvariant() switch
        {
            "run" => EdgeLoadMode.Run,
            "client" => EdgeLoadMode.Client,
            "floor-server" => EdgeLoadMode.FloorServer,
            _ => throw new FormatException($"Unknown mode '{args[0]}'; expected run, client or floor-server."),
        };
        IReadOnlyList<int>? sessions = null;
        var seconds = 15;
        IReadOnlyList<string> targets = [Floor, Serve];
        var rate = 48000;
        var wave = 50;
        var probes = 20;
        var warmup = 10;
        var resolution = 1;
        Uri? url = null;
        string? host = null;
        var pipeline = "hocon/pipelines/live-loopback.conf";
        var serveArguments = new List<string>();
        var environment = new Dictionary<string, string>();
        var verbose = false;
        var port = 0;
        var parent = 0;
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (name == "--verbose")
            {
                verbose = true;
                continue;
            }

            var value = i + 1 < args.Count ? args[++i] : throw new FormatException($"Option {name} needs a value.");
            switch (name)
            {
                case "--sessions":
                    sessions = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Positive(name, v)).ToArray();
                    break;
                case "--seconds":
                    seconds = Positive(name, value);
                    break;
                case "--targets":
                    targets = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(t => t is Floor or Serve ? t : throw new FormatException($"Unknown target '{t}'; expected floor or serve."))
                        .ToArray();
                    break;
                case "--rate":
                    rate = Positive(name, value);
                    break;
                case "--wave":
                    wave = Positive(name, value);
                    break;
                case "--setup-probes":
                    probes = NonNegative(name, value);
                    break;
                case "--warmup":
                    warmup = NonNegative(name, value);
                    break;
                case "--pace-resolution":
                    resolution = Positive(name, value);
                    break;
                case "--url":
                    url = Uri.TryCreate(value, UriKind.Absolute, out var parsed) && parsed.Scheme is "ws" or "wss"
                        ? parsed
                        : throw new FormatException($"--url must be a ws:// or wss:// URL, e.g. ws://127.0.0.1:8080/media, not '{value}'.");
                    break;
                case "--host":
                    host = value;
                    break;
                case "--pipeline":
                    pipeline = value;
                    break;
                case "--serve-arg":
                    serveArguments.Add(value);
                    break;
                case "--env":
                    var equals = value.IndexOf('=', StringComparison.Ordinal);
                    if (equals < 1)
                    {
                        throw new FormatException($"--env takes NAME=VALUE, e.g. --env DOTNET_TieredPGO=0, not '{value}'.");
                    }

                    environment[value[..equals]] = value[(equals + 1)..];
                    break;
                case "--port":
                    port = Positive(name, value);
                    break;
                case "--parent":
                    parent = NonNegative(name, value);
                    break;
                default:
                    throw new FormatException($"Unknown option '{name}'.");
            }
        }

        if (mode == EdgeLoadMode.FloorServer && port == 0)
        {
            throw new FormatException("floor-server needs --port.");
        }

        if (mode == EdgeLoadMode.Client && url is null)
        {
            throw new FormatException("client needs --url, e.g. --url ws://127.0.0.1:8080/media.");
        }

        if (rate is < 8000 or > 192000 || rate % 50 != 0)
        {
            throw new FormatException($"--rate must be between 8000 and 192000 and a multiple of 50 (whole 20 ms packets), not {rate}.");
        }

        return new EdgeLoadArguments(mode, sessions ?? (mode == EdgeLoadMode.Client ? [100] : [100, 200, 300, 500]), seconds, targets, rate, wave, probes, warmup, resolution,
            url, host, pipeline, serveArguments, environment, verbose, port, parent);
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new FormatException($"{name} must be a positive integer, not '{value}'.");

    private static int NonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0 ? n : throw new FormatException($"{name} must be a non-negative integer, not '{value}'.");
}

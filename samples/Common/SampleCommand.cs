using System.CommandLine;
using System.Globalization;

namespace AkkaMedia.Samples.Common;

/// <summary>
/// The command line and the run of one sample that ships user code: the options every such sample has
/// (<c>--seeds</c>, <c>--hostname</c>, <c>--connect-timeout</c>) plus the sample's own, the connection to an
/// executor, and the exit code.
/// </summary>
/// <remarks>
/// The sample's body returns the problems it found in the remote result, one sentence each. None: the
/// command prints <c>NAME: OK</c> and exits with 0. Otherwise, or when anything throws (no executor, a
/// deploy refused, a remote exception), it prints <c>NAME: FAILED: reason</c> on standard error and exits
/// with 1, as it does for a bad argument.
/// </remarks>
public sealed class SampleCommand
{
    private readonly string _name;
    private readonly RootCommand _root;
    private readonly Option<string[]> _seeds;
    private readonly Option<string> _hostname;
    private readonly Option<double> _connectTimeout;
    private readonly Option<string?> _tls = new("--tls")
    {
        Description = "With --seeds, for a cluster that speaks mutual TLS: this client's certificate (.pfx with its key, e.g. from akkamedia cert create). Needs --tls-ca.",
    };

    private readonly Option<string?> _tlsCa = new("--tls-ca") { Description = "With --tls: the certificate of the CA that signed every member's certificate." };
    private readonly Option<string?> _tlsPassword = new("--tls-password") { Description = "With --tls: the password of the .pfx, when it has one." };

    /// <param name="name">The sample's name in lower case, the prefix of its report lines (<c>calculator</c>).</param>
    /// <param name="description">What the sample does, for <c>--help</c>.</param>
    public SampleCommand(string name, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        _seeds = new Option<string[]>("--seeds")
        {
            Description = "Join the cluster at these seed nodes (host:port or akka.tcp://media@host:port, comma- or space-separated) and ship the code to its least-loaded executor. Without it, an executor node is started in this process (a second actor system, reached over loopback remoting).",
            AllowMultipleArgumentsPerToken = true,
        };
        _seeds.Validators.Add(result =>
        {
            foreach (var seed in SplitSeeds(result.GetValueOrDefault<string[]>()))
            {
                if (!ExecutorConnection.TryNormalizeSeed(seed, out _, out var error) && !ExecutorConnection.TryNormalizeSeed(seed, out _, out _, tls: true))
                {
                    result.AddError(error);
                }
            }
        });
        _hostname = new Option<string>("--hostname")
        {
            Description = "With --seeds: the address this client binds and the executors call back on.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        _connectTimeout = new Option<double>("--connect-timeout")
        {
            Description = "Seconds to wait for an executor to be up and reachable before giving up.",
            DefaultValueFactory = _ => 20.0,
        };
        _connectTimeout.Validators.Add(result =>
        {
            var seconds = result.GetValueOrDefault<double>();
            if (!(seconds >= 1 && seconds <= 600))
            {
                result.AddError("--connect-timeout must be between 1 and 600 seconds, e.g. --connect-timeout 20.");
            }
        });
        _root = new RootCommand(description) { _seeds, _hostname, _connectTimeout, _tls, _tlsCa, _tlsPassword };
    }

    /// <summary>
    /// HOCON layered over the settings of the executor the sample starts in its own process when it is given no
    /// <c>--seeds</c> (e.g. <c>akka-media.executor.isolation = process</c>); null for the defaults. Not used against a cluster.
    /// </summary>
    public string? ExecutorConfig { get; init; }

    /// <summary>Adds an option of the sample's own; read it in the body with <see cref="SampleRun.Get{T}"/>.</summary>
    public SampleCommand Add(Option option)
    {
        ArgumentNullException.ThrowIfNull(option);
        _root.Add(option);
        return this;
    }

    /// <summary>
    /// Parses <paramref name="args"/>, connects to an executor, runs <paramref name="body"/> and returns the
    /// process exit code: 0 when the body found no problem, 1 otherwise (see the remarks of the class).
    /// </summary>
    public Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, Func<SampleRun, Task<IReadOnlyList<string>>> body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(body);
        _root.SetAction((parseResult, token) => RunAsync(parseResult, stdout, stderr, body, token));
        return _root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken);
    }

    private async Task<int> RunAsync(ParseResult parseResult, TextWriter stdout, TextWriter stderr, Func<SampleRun, Task<IReadOnlyList<string>>> body, CancellationToken cancellationToken)
    {
        var seeds = SplitSeeds(parseResult.GetValue(_seeds));
        var timeout = TimeSpan.FromSeconds(parseResult.GetValue(_connectTimeout));
        using var loads = new ShippedAssemblyWatch();
        ExecutorConnection? connection = null;
        try
        {
            connection = seeds.Count > 0
                ? await ExecutorConnection.JoinAsync(
                    seeds, parseResult.GetValue(_hostname)!, timeout, cancellationToken, parseResult.GetValue(_tls), parseResult.GetValue(_tlsCa), parseResult.GetValue(_tlsPassword))
                : await ExecutorConnection.StartInProcessAsync(timeout, cancellationToken, ExecutorConfig);
            var problems = await body(new SampleRun(_name, connection, parseResult, stdout, loads, cancellationToken));
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await stderr.WriteLineAsync($"{_name}: FAILED: {problem}");
                }

                return 1;
            }

            await stdout.WriteLineAsync($"{_name}: OK");
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"{_name}: cancelled.");
            return 1;
        }
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"{_name}: FAILED: {Describe(e)}");
            return 1;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static List<string> SplitSeeds(string[]? values) =>
        (values ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static string Describe(Exception e)
    {
        var root = e is AggregateException aggregate ? aggregate.GetBaseException() : e;
        var text = string.Create(CultureInfo.InvariantCulture, $"{root.GetType().Name}: {root.Message}");
        return root.InnerException is { } inner ? $"{text} ({inner.GetType().Name}: {inner.Message})" : text;
    }
}

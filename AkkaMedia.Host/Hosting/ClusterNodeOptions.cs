using System.Globalization;
using Akka.Configuration;
using AkkaMedia.Client;
using AkkaMedia.Executor;
using AkkaMedia.Host.Logs;

namespace AkkaMedia.Host.Hosting;

/// <summary>
/// Where a cluster node listens, whom it joins and what it is, as given on the command line. Turns
/// into HOCON layered over the deployable files of <c>hocon/</c> (embedded in the host) and the
/// libraries' defaults: flags &gt; <c>--config</c> file &gt; role file &gt; <c>base.conf</c> &gt; reference.conf.
/// </summary>
internal sealed record ClusterNodeOptions(string Hostname, int Port, IReadOnlyList<string> Seeds, IReadOnlyList<string> Roles, string? ConfigFile)
{
    /// <summary>The actor system name every AkkaMedia node uses; seeds given as host:port get it.</summary>
    public const string SystemName = "media";

    /// <summary>The admin server's port (<c>--admin-port</c>; 0 = any free port); null = <c>akka-media.admin.port</c>.</summary>
    public int? AdminPort { get; init; }

    /// <summary>The admin server's address (<c>--admin-hostname</c>); null = <c>akka-media.admin.hostname</c>.</summary>
    public string? AdminHostname { get; init; }

    /// <summary>The HTTP endpoints' port (<c>--http-port</c>; 0 = any free port); when set, the endpoints are on. Null = <c>akka-media.http</c>.</summary>
    public int? HttpPort { get; init; }

    /// <summary>The HTTP endpoints' address (<c>--http-hostname</c>); null = <c>akka-media.http.hostname</c>.</summary>
    public string? HttpHostname { get; init; }

    /// <summary>How long a stopping executor waits for its sessions (<c>--drain-timeout</c>); null = <c>akka-media.executor.drain-timeout</c>.</summary>
    public TimeSpan? DrainTimeout { get; init; }

    /// <summary>
    /// Where the executor runs shipped code (<c>--isolation</c>): <c>in-process</c> or <c>process</c> (sandboxed worker
    /// processes); null = <c>akka-media.executor.isolation</c>.
    /// </summary>
    public string? Isolation { get; init; }

    /// <summary>
    /// The user worker processes run as under a root executor (<c>--run-as</c>): a user name or <c>uid:gid</c>, or empty for
    /// the executor's own user; null = <c>akka-media.executor.workers.run-as</c> (nobody).
    /// </summary>
    public string? RunAs { get; init; }

    /// <summary>The log format (<c>--log-format</c>); null = <c>akka-media.log.format</c>.</summary>
    public LogFormat? LogFormat { get; init; }

    /// <summary>Cluster formation through Akka.Management and Cluster Bootstrap (<c>--discovery</c>); null = by <see cref="Seeds"/>.</summary>
    public ClusterDiscoveryOptions? Discovery { get; init; }

    /// <summary>Whether this node joins a cluster of others: it has seeds or discovers them.</summary>
    public bool JoinsCluster => Seeds.Count > 0 || Discovery is not null;

    /// <summary>Whom this node joins, for its log lines and messages: the seeds, or the discovery that finds them.</summary>
    public string DescribeJoin() => Discovery?.Describe() ?? string.Join(", ", Seeds.Select(s => NormalizeSeed(s, UsesTls())));

    /// <summary>Whether the flags or the <c>--config</c> file turn TLS on (name a certificate).</summary>
    public bool UsesTls() => !string.IsNullOrWhiteSpace(TlsAndFile().GetString("akka-media.tls.certificate", string.Empty));

    private Config TlsAndFile()
    {
        var config = Tls ?? Config.Empty;
        return ConfigFile is null ? config : config.WithFallback(HostConfig.LoadFile(ConfigFile));
    }

    /// <summary><c>akka-media.tls</c> from the TLS flags (<see cref="Commands.TlsOptions"/>); null when none was given.</summary>
    public Config? Tls { get; init; }

    /// <summary>
    /// Normalizes a seed given as <c>host:port</c> or <c>akka.tcp://media@host:port</c> (<c>akka.ssl.tcp://</c> when
    /// <paramref name="tls"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The seed is neither; the message shows both accepted forms.</exception>
    public static string NormalizeSeed(string seed, bool tls = false) => ClusterSeeds.Normalize(seed, SystemName, tls);

    /// <summary>The full configuration of the node.</summary>
    /// <exception cref="ArgumentException">A seed, the discovery settings or the --config file is not valid; the message says which.</exception>
    public Config ToConfig(string roleFile)
    {
        if (Discovery is not null && Seeds.Count > 0)
        {
            throw new ArgumentException("give either --seeds or --discovery, not both: with discovery the nodes find each other.");
        }

        var tlsAndFile = TlsAndFile();
        var tls = !string.IsNullOrWhiteSpace(tlsAndFile.GetString("akka-media.tls.certificate", string.Empty));
        var seeds = Seeds.Select(s => NormalizeSeed(s, tls)).ToList();
        var flags = ConfigurationFactory.ParseString(string.Join('\n',
            $"akka.remote.dot-netty.tcp.hostname = \"{Hostname}\"",
            $"akka.remote.dot-netty.tcp.port = {Port.ToString(CultureInfo.InvariantCulture)}",
            $"akka.cluster.seed-nodes = [{string.Join(", ", seeds.Select(s => $"\"{s}\""))}]",
            $"akka.cluster.roles = [{string.Join(", ", Roles.Select(r => $"\"{r}\""))}]",
            AdminPort is { } adminPort ? $"akka-media.admin.port = {adminPort.ToString(CultureInfo.InvariantCulture)}" : string.Empty,
            AdminHostname is { } adminHost ? $"akka-media.admin.hostname = \"{adminHost}\"" : string.Empty,
            HttpPort is { } httpPort ? $"akka-media.http {{ enabled = on, port = {httpPort.ToString(CultureInfo.InvariantCulture)} }}" : string.Empty,
            HttpHostname is { } httpHost ? $"akka-media.http.hostname = \"{httpHost}\"" : string.Empty,
            DrainTimeout is { } drain ? $"akka-media.executor.drain-timeout = {((long)drain.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms" : string.Empty,
            Isolation is { } isolation ? $"akka-media.executor.isolation = \"{isolation}\"" : string.Empty,
            RunAs is { } runAs ? $"akka-media.executor.workers.run-as = \"{runAs.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"" : string.Empty,
            Discovery?.ToHocon(Hostname) ?? string.Empty));
        var config = flags.WithFallback(tlsAndFile);

        if (Discovery?.Method == DiscoveryMethod.Kubernetes)
        {
            // Its defaults (API paths, label selector) load with its extension, which bootstrap never starts.
            config = config.WithFallback(Akka.Discovery.KubernetesApi.KubernetesDiscovery.DefaultConfiguration());
        }

        config = config
            .WithFallback(HostConfig.Embedded(roleFile))
            .WithFallback(HostConfig.Embedded("base.conf"))
            .WithFallback(ExecutorSettings.DefaultConfig)
            .WithFallback(Admin.AdminSettings.DefaultConfig)
            .WithFallback(AkkaMediaConfig.Default);

        // A wrong certificate path or password is a bad argument, said before anything starts.
        _ = AkkaMedia.Security.TlsSettings.Create(config);
        return config;
    }
}

using Akka.Configuration;

namespace AkkaMedia.Client;

/// <summary>How <see cref="MediaClient.ConnectAsync"/> joins a cluster. Only what is set here becomes configuration.</summary>
public sealed class MediaClientOptions
{
    /// <summary>Seed nodes of the cluster, as <c>host:port</c> or <c>akka.tcp://media@host:port</c>; these or <see cref="ContactPoints"/>.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>
    /// For a cluster that formed through discovery (<c>akkamedia node --discovery</c>): management endpoints
    /// (<c>host:port</c>) of its nodes, asked for the members to join (<see cref="ClusterContactPoints"/>); these or
    /// <see cref="Seeds"/>.
    /// </summary>
    public IReadOnlyList<string> ContactPoints { get; init; } = [];

    /// <summary>The address this client binds and advertises; executors must be able to reach it. Default <c>127.0.0.1</c>.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port this client binds; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The cluster's actor system name, shared by every member. Default <c>media</c>.</summary>
    public string SystemName { get; init; } = ClusterSeeds.DefaultSystemName;

    /// <summary>Roles of this member. Default <c>client</c> (never an executor).</summary>
    public IReadOnlyList<string> Roles { get; init; } = ["client"];

    /// <summary>The role executors have. Default <c>executor</c>.</summary>
    public string ExecutorRole { get; init; } = "executor";

    /// <summary>
    /// How long <see cref="MediaClient.ConnectAsync"/> waits for at least one executor to be up and reachable; with
    /// <see cref="ContactPoints"/>, first as long for a contact point to report the members. Default 15 s.
    /// </summary>
    public TimeSpan ExecutorTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// This client's certificate (PKCS#12 with its key) for mutual TLS with the cluster (<c>akka-media.tls.certificate</c>);
    /// needs <see cref="TlsCa"/>. Seeds given as <c>host:port</c> then become <c>akka.ssl.tcp://</c> addresses. Null: TLS as
    /// <see cref="Config"/> says (off by default).
    /// </summary>
    public string? TlsCertificate { get; init; }

    /// <summary>The certificate of the CA that signs every member's certificate (<c>akka-media.tls.ca</c>).</summary>
    public string? TlsCa { get; init; }

    /// <summary>The password of <see cref="TlsCertificate"/>, when it has one (<c>akka-media.tls.password</c>).</summary>
    public string? TlsPassword { get; init; }

    /// <summary>More HOCON, over this client's own settings and AkkaMedia's defaults (for example <c>akka.loglevel = WARNING</c>).</summary>
    public Config? Config { get; init; }

    /// <summary>The configuration these options make: the seeds normalized, cluster provider, this member's address and roles.</summary>
    /// <exception cref="ArgumentException">
    /// Neither seeds nor contact points, or both; a bad seed or contact point, a bad port or an empty hostname; the message says which.
    /// </exception>
    public Config ToConfig()
    {
        if (Seeds.Count == 0 && ContactPoints.Count == 0)
        {
            throw new ArgumentException("No seed nodes: give the address of at least one cluster member, as host:port (127.0.0.1:4053), or ContactPoints of a cluster that formed through discovery.", nameof(Seeds));
        }

        if (Seeds.Count > 0 && ContactPoints.Count > 0)
        {
            throw new ArgumentException("Give either Seeds or ContactPoints, not both: contact points tell the client the members to join.", nameof(ContactPoints));
        }

        foreach (var contactPoint in ContactPoints)
        {
            ClusterContactPoints.Normalize(contactPoint);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Hostname, nameof(Hostname));
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port is 0 (any free port) to 65535.");
        }

        if (ExecutorTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ExecutorTimeout), ExecutorTimeout, "ExecutorTimeout must be positive.");
        }

        var tlsLines = string.Join('\n', new[] { ("certificate", TlsCertificate), ("ca", TlsCa), ("password", TlsPassword) }
            .Where(static t => t.Item2 is not null)
            .Select(static t => $"akka-media.tls.{t.Item1} = {System.Text.Json.JsonSerializer.Serialize(t.Item2)}"));
        var tls = TlsCertificate is not null || !string.IsNullOrWhiteSpace(Config?.GetString("akka-media.tls.certificate", string.Empty));
        var seeds = Seeds.Select(s => ClusterSeeds.Normalize(s, SystemName, tls)).ToList();
        var own = ConfigurationFactory.ParseString($$"""
            {{tlsLines}}
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp.hostname = "{{Hostname}}"
            akka.remote.dot-netty.tcp.port = {{Port}}
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{s}\""))}}]
            akka.cluster.roles = [{{string.Join(", ", Roles.Select(r => $"\"{r}\""))}}]
            """);
        return (Config ?? Akka.Configuration.Config.Empty).WithFallback(own);
    }
}

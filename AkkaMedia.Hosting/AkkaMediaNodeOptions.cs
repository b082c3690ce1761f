using System.Globalization;
using System.Text;
using Akka.Configuration;
using AkkaMedia.Client;

namespace AkkaMedia.Hosting;

/// <summary>
/// Where an AkkaMedia cluster member listens and whom it joins, for Akka.Hosting. Only what is set becomes
/// configuration: anything left null keeps the value of your other HOCON or of the defaults.
/// </summary>
public abstract class AkkaMediaNodeOptions
{
    /// <summary>
    /// Seed nodes, as <c>host:port</c> or <c>akka.tcp://media@host:port</c> (<c>akka.ssl.tcp://</c> with <see cref="TlsCertificate"/>).
    /// Empty: keep the configured ones.
    /// </summary>
    public IList<string> Seeds { get; init; } = [];

    /// <summary>The address this member binds and advertises; null keeps the configured one.</summary>
    public string? Hostname { get; init; }

    /// <summary>The port this member binds (0: any free one); null keeps the configured one.</summary>
    public int? Port { get; init; }

    /// <summary>Roles besides the one this kind of member always has.</summary>
    public IList<string> Roles { get; init; } = [];

    /// <summary>The cluster's actor system name, used to expand <c>host:port</c> seeds; the name given to <c>AddAkka</c> must match.</summary>
    public string SystemName { get; init; } = ClusterSeeds.DefaultSystemName;

    /// <summary>
    /// This member's certificate (PKCS#12 with its key) for mutual TLS on Akka.Remote and the media link
    /// (<c>akka-media.tls.certificate</c>); needs <see cref="TlsCa"/>. Null: keep the configured one (TLS off by default).
    /// </summary>
    public string? TlsCertificate { get; init; }

    /// <summary>The certificate of the CA that signs every member's certificate (<c>akka-media.tls.ca</c>); null keeps the configured one.</summary>
    public string? TlsCa { get; init; }

    /// <summary>The password of <see cref="TlsCertificate"/>, when it has one (<c>akka-media.tls.password</c>).</summary>
    public string? TlsPassword { get; init; }

    /// <summary>The role this kind of member always has.</summary>
    private protected abstract string OwnRole { get; }

    /// <summary>The HOCON these options make (only what is set, plus the cluster provider and this member's roles).</summary>
    /// <exception cref="ArgumentException">A seed is not valid, or the port is out of range; the message says which.</exception>
    public Config ToHocon()
    {
        var hocon = new StringBuilder();
        hocon.AppendLine("akka.actor.provider = cluster");
        if (Hostname is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(Hostname, nameof(Hostname));
            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka.remote.dot-netty.tcp.hostname = \"{Hostname}\"");
        }

        if (Port is { } port)
        {
            if (port is < 0 or > 65535)
            {
                throw new ArgumentOutOfRangeException(nameof(Port), port, "Port is 0 (any free port) to 65535.");
            }

            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka.remote.dot-netty.tcp.port = {port}");
        }

        if (Seeds.Count > 0)
        {
            var seeds = Seeds.Select(s => $"\"{ClusterSeeds.Normalize(s, SystemName, TlsCertificate is not null)}\"");
            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.seed-nodes = [{string.Join(", ", seeds)}]");
        }

        AppendTls(hocon, "certificate", TlsCertificate);
        AppendTls(hocon, "ca", TlsCa);
        AppendTls(hocon, "password", TlsPassword);
        var roles = Roles.Prepend(OwnRole).Distinct(StringComparer.Ordinal).Select(r => $"\"{r}\"");
        hocon.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.roles = [{string.Join(", ", roles)}]");
        AppendOwn(hocon);
        return ConfigurationFactory.ParseString(hocon.ToString());
    }

    private static void AppendTls(StringBuilder hocon, string key, string? value)
    {
        if (value is not null)
        {
            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka-media.tls.{key} = {System.Text.Json.JsonSerializer.Serialize(value)}");
        }
    }

    /// <summary>Adds the settings of this kind of member that are set.</summary>
    private protected abstract void AppendOwn(StringBuilder hocon);
}

using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace AkkaMedia.Security;

/// <summary>
/// Mutual TLS between the nodes of one cluster, read from <c>akka-media.tls</c>: this node's certificate (with its
/// private key) and the one authority every peer's certificate must chain to. Off when no certificate is configured.
/// </summary>
/// <remarks>
/// <para>One configuration serves every connection a node makes or accepts: Akka.Remote (through
/// <see cref="MediaActorSystem"/>), the media link, the admin server and the HTTP endpoints. A peer is trusted when its
/// certificate chains to <see cref="Authority"/> alone (the machine's trust store plays no part, names are not
/// compared: a cluster's nodes are identified by their CA, not by their host names) and is in date.</para>
/// <para>The certificates are loaded once, when the settings are created; an instance is immutable and thread-safe.
/// <see cref="For(ActorSystem)"/> keeps one per actor system.</para>
/// </remarks>
public sealed class TlsSettings
{
    private const string Section = "akka-media.tls";

    private static readonly ConditionalWeakTable<ActorSystem, TlsSettings> PerSystem = new();

    private TlsSettings(X509Certificate2? certificate, X509Certificate2? authority, string certificatePath, TimeSpan handshakeTimeout)
    {
        Certificate = certificate;
        Authority = authority;
        CertificatePath = certificatePath;
        HandshakeTimeout = handshakeTimeout;
    }

    /// <summary>
    /// The Akka.Remote keys that turn TLS on for remoting, to layer over a node's configuration together with
    /// <see cref="RemotingSetup"/>: TLS with mutual authentication, no host name check (nodes are identified by their CA).
    /// </summary>
    public static Config RemotingConfig { get; } = ConfigurationFactory.ParseString("""
        akka.remote.dot-netty.tcp.enable-ssl = on
        akka.remote.dot-netty.tcp.ssl.suppress-validation = off
        akka.remote.dot-netty.tcp.ssl.require-mutual-authentication = on
        akka.remote.dot-netty.tcp.ssl.validate-certificate-hostname = off
        """);

    /// <summary>TLS off: plain TCP everywhere.</summary>
    public static TlsSettings Off { get; } = new(null, null, string.Empty, TimeSpan.FromSeconds(10));

    /// <summary>True when this node speaks TLS (a certificate is configured).</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Certificate), nameof(Authority))]
    public bool IsEnabled => Certificate is not null;

    /// <summary>This node's certificate, with its private key; null when TLS is off.</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The authority every peer's certificate must chain to; null when TLS is off.</summary>
    public X509Certificate2? Authority { get; }

    /// <summary>The file <see cref="Certificate"/> was read from (empty when TLS is off), for messages and for Akka.Remote.</summary>
    public string CertificatePath { get; }

    /// <summary>How long an accepted connection may take to complete its handshake before it is dropped.</summary>
    public TimeSpan HandshakeTimeout { get; }

    /// <summary>
    /// The settings of <paramref name="system"/>: those it was started with by <see cref="MediaActorSystem"/>, otherwise
    /// its configuration's, read once per system.
    /// </summary>
    /// <exception cref="ArgumentException">The configuration is invalid (see <see cref="Create"/>).</exception>
    public static TlsSettings For(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return PerSystem.GetValue(system, static s =>
        {
            var setup = s.Settings.Setup.Get<TlsSettingsSetup>();
            return setup.HasValue ? setup.Value.Settings : Create(s.Settings.Config);
        });
    }

    /// <summary>Reads <c>akka-media.tls</c> of <paramref name="config"/> and loads the files it names.</summary>
    /// <exception cref="ArgumentException">
    /// Only one of <c>certificate</c> and <c>ca</c> is set, a file is missing or unreadable, the password is wrong, or the
    /// certificate has no private key; the message names the key and says what to fix. <see cref="ArgumentException.ParamName"/>
    /// is the key.
    /// </exception>
    public static TlsSettings Create(Config config)
    {
        var section = new SettingsSection(config, Section);
        var certificatePath = section.GetString("certificate").Trim();
        var password = section.GetString("password");
        var authorityPath = section.GetString("ca").Trim();
        var handshakeTimeout = section.GetTimeSpan("handshake-timeout");
        if (handshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(section.Key("handshake-timeout"), handshakeTimeout, "handshake-timeout must be positive, such as 10s.");
        }

        if (certificatePath.Length == 0 && authorityPath.Length == 0)
        {
            return handshakeTimeout == Off.HandshakeTimeout ? Off : new TlsSettings(null, null, string.Empty, handshakeTimeout);
        }

        if (certificatePath.Length == 0)
        {
            throw new ArgumentException(
                $"{section.Key("ca")} is set but {section.Key("certificate")} is not: a node that checks its peers must present a certificate of its own too " +
                "(--tls FILE.pfx, or akka-media.tls.certificate; make one with: akkamedia cert create --out DIR --names NODE).",
                section.Key("certificate"));
        }

        if (authorityPath.Length == 0)
        {
            throw new ArgumentException(
                $"{section.Key("certificate")} is set but {section.Key("ca")} is not: name the certificate of the authority that signs every member's " +
                "certificate (--tls-ca CA.crt, or akka-media.tls.ca), so that this node knows whom to trust.",
                section.Key("ca"));
        }

        var certificate = LoadCertificate(certificatePath, password, section.Key("certificate"));
        var authority = LoadAuthority(authorityPath, section.Key("ca"));
        return new TlsSettings(certificate, authority, Path.GetFullPath(certificatePath), handshakeTimeout);
    }

    /// <summary>
    /// True when <paramref name="peer"/> chains to <see cref="Authority"/> and is in date; otherwise false with the reason
    /// in <paramref name="reason"/>. With TLS off, every peer is refused.
    /// </summary>
    /// <param name="peer">The certificate the peer presented; null when it presented none.</param>
    /// <param name="reason">Why the peer is not trusted, for a log line; empty when it is.</param>
    public bool IsTrusted(X509Certificate? peer, out string reason) => IsTrusted(peer, null, out reason);

    /// <summary>
    /// As <see cref="IsTrusted(X509Certificate?, out string)"/>, with the chain the peer presented: its intermediate
    /// certificates may complete the path from <paramref name="peer"/> to <see cref="Authority"/>, which must still end it.
    /// </summary>
    /// <param name="peer">The certificate the peer presented; null when it presented none.</param>
    /// <param name="presented">The chain that came with it (a TLS validation callback's); null when there is none.</param>
    /// <param name="reason">Why the peer is not trusted, for a log line; empty when it is.</param>
    public bool IsTrusted(X509Certificate? peer, X509Chain? presented, out string reason)
    {
        if (!IsEnabled)
        {
            reason = "TLS is off on this node";
            return false;
        }

        if (peer is null)
        {
            reason = "it presented no certificate";
            return false;
        }

        using var loaded = peer as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(peer.GetRawCertData()) : null;
        var certificate = loaded ?? (X509Certificate2)peer;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (chain.Build(certificate))
        {
            reason = string.Empty;
            return true;
        }

        var problems = string.Join("; ", chain.ChainStatus.Select(static s => s.StatusInformation.Trim()).Where(static s => s.Length > 0).Distinct());
        reason = $"its certificate ({certificate.Subject}, issued by {certificate.Issuer}) is not signed by this cluster's CA ({Authority.Subject})" +
            (problems.Length > 0 ? $": {problems}" : string.Empty);
        return false;
    }

    /// <summary>
    /// The Akka.Remote setup that presents <see cref="Certificate"/> and accepts only peers <see cref="IsTrusted(X509Certificate?, X509Chain?, out string)"/> (logging
    /// each refusal as a warning), for an actor system started with <see cref="RemotingConfig"/>. <see cref="MediaActorSystem"/>
    /// adds both itself; hosts that build their own setup (Akka.Hosting) add them.
    /// </summary>
    /// <exception cref="InvalidOperationException">TLS is off.</exception>
    public DotNettySslSetup RemotingSetup()
    {
        RequireEnabled();
        return new DotNettySslSetup(
            Certificate,
            suppressValidation: false,
            requireMutualAuthentication: true,
            validateCertificateHostname: false,
            customValidator: (certificate, chain, peer, _, log) =>
            {
                if (IsTrusted(certificate, chain, out var reason))
                {
                    return true;
                }

                log.Warning("Refused the TLS connection of {0} on the remoting port: {1}", peer, reason);
                return false;
            });
    }

    /// <summary>
    /// Options for the server end of a connection: presents <see cref="Certificate"/> and, when
    /// <paramref name="requireClientCertificate"/>, accepts only a client whose certificate <see cref="IsTrusted(X509Certificate?, X509Chain?, out string)"/>.
    /// <paramref name="onRefused"/> is told why a client was refused (the handshake then fails).
    /// </summary>
    /// <exception cref="InvalidOperationException">TLS is off.</exception>
    public SslServerAuthenticationOptions ServerOptions(bool requireClientCertificate, Action<string>? onRefused = null)
    {
        RequireEnabled();
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(Certificate, [Authority], offline: true),
            ClientCertificateRequired = requireClientCertificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = requireClientCertificate
                ? (_, certificate, chain, _) => Check(certificate, chain, onRefused)
                : null,
        };
    }

    /// <summary>
    /// Options for the client end of a connection to <paramref name="targetHost"/>: presents <see cref="Certificate"/> and
    /// accepts only a server whose certificate <see cref="IsTrusted(X509Certificate?, X509Chain?, out string)"/>. <paramref name="onRefused"/> is told why a server
    /// was refused (the handshake then fails).
    /// </summary>
    /// <exception cref="InvalidOperationException">TLS is off.</exception>
    public SslClientAuthenticationOptions ClientOptions(string targetHost, Action<string>? onRefused = null)
    {
        RequireEnabled();
        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = SslStreamCertificateContext.Create(Certificate, [Authority], offline: true),
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => Check(certificate, chain, onRefused),
        };
    }

    private bool Check(X509Certificate? certificate, X509Chain? chain, Action<string>? onRefused)
    {
        if (IsTrusted(certificate, chain, out var reason))
        {
            return true;
        }

        onRefused?.Invoke(reason);
        return false;
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Certificate), nameof(Authority))]
    private void RequireEnabled()
    {
        if (!IsEnabled)
        {
            throw new InvalidOperationException("TLS is off on this node (akka-media.tls.certificate is empty).");
        }
    }

    private static X509Certificate2 LoadCertificate(string path, string password, string key)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{key} = {path}: no such file. Make one with: akkamedia cert create --out DIR --names NODE.", key);
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password.Length == 0 ? null : password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException(
                $"{key} = {path} could not be read as a PKCS#12 (.pfx) file with {(password.Length == 0 ? "no password" : "the password given")}: {e.Message}. " +
                "Check the file and akka-media.tls.password (--tls-password).",
                key,
                e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"{key} = {path} cannot be read by this process: {e.Message}", key, e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"{key} = {path} holds no private key: a node needs its own key to prove its certificate. Export the .pfx with its key.", key);
        }

        if (certificate.NotAfter < DateTime.Now)
        {
            var expired = certificate.NotAfter;
            certificate.Dispose();
            throw new ArgumentException($"{key} = {path} expired on {expired:yyyy-MM-dd}: peers would refuse it. Issue a new one (akkamedia cert create --names NODE --force).", key);
        }

        return certificate;
    }

    private static X509Certificate2 LoadAuthority(string path, string key)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"{key} = {path}: no such file. Name the CA certificate (ca.crt of akkamedia cert create).", key);
        }

        try
        {
            var text = File.ReadAllText(path);
            return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"{key} = {path} is not a certificate (PEM or DER): {e.Message}", key, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ArgumentException($"{key} = {path} cannot be read by this process: {e.Message}", key, e);
        }
    }
}

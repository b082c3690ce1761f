using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;

namespace AkkaMedia.TestKit;

/// <summary>
/// Throwaway certificates for specs of mutual TLS: an authority (<c>ca.crt</c>) and one certificate per node name
/// (<c>NAME.pfx</c>, no password, server and client authentication, ECDSA P-256) in a folder of their own under the
/// temporary directory, deleted on dispose. Two instances are two unrelated authorities: a node of one is a stranger
/// to the other.
/// </summary>
/// <example>
/// <code>
/// using var certificates = TestCertificates.Create("executor", "client");
/// var executor = new ExecutorFixture(registry, certificates.ConfigFor("executor"));
/// var client = executor.CreateClient(certificates.ConfigFor("client"));
/// </code>
/// </example>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 _authority;

    private TestCertificates(string folder, X509Certificate2 authority)
    {
        Folder = folder;
        _authority = authority;
        AuthorityPath = Path.Combine(folder, "ca.crt");
        File.WriteAllText(AuthorityPath, authority.ExportCertificatePem());
    }

    /// <summary>The folder holding the files.</summary>
    public string Folder { get; }

    /// <summary>The authority's certificate, PEM.</summary>
    public string AuthorityPath { get; }

    /// <summary>A new authority with a certificate for each of <paramref name="names"/> (more with <see cref="Issue"/>).</summary>
    public static TestCertificates Create(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var folder = Path.Combine(Path.GetTempPath(), "akkamedia-certs-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=AkkaMedia test CA " + Path.GetFileName(folder), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var certificates = new TestCertificates(folder, authority);
        foreach (var name in names)
        {
            certificates.Issue(name);
        }

        return certificates;
    }

    /// <summary>Issues (or replaces) <c>NAME.pfx</c>, signed by this authority, and returns its path.</summary>
    public string Issue(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        using var issued = request.Create(_authority, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        var path = PathOf(name);
        File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12));
        return path;
    }

    /// <summary>The path of <c>NAME.pfx</c> (issued or not).</summary>
    public string PathOf(string name) => Path.Combine(Folder, name + ".pfx");

    /// <summary><c>akka-media.tls</c> for the node <paramref name="name"/>: its certificate and this authority.</summary>
    public Config ConfigFor(string name) => ConfigurationFactory.ParseString($$"""
        akka-media.tls.certificate = "{{Escape(PathOf(name))}}"
        akka-media.tls.ca = "{{Escape(AuthorityPath)}}"
        """);

    /// <summary>Deletes the folder.</summary>
    public void Dispose()
    {
        _authority.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Escape(string path) => path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}

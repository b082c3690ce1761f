using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace AkkaMedia.Host.Tls;

/// <summary>
/// A development certificate authority and the node certificates it signs, for mutual TLS between the nodes of one
/// cluster: <c>ca.crt</c> (PEM) with its key <c>ca.key</c> (PEM, PKCS#8) beside it, and one <c>NAME.pfx</c> per node
/// (PKCS#12, no password) holding the node's certificate, its key and the CA's certificate.
/// </summary>
/// <remarks>
/// Keys are RSA 2048. A node certificate names its node in the subject (<c>CN=NAME</c>) and in the subject alternative
/// name (a DNS name, or an IP address when the name is one), is valid for server and client authentication (each node
/// is both), and is not a CA. The authority may sign node certificates only (path length 0). Files holding a private
/// key are readable by their owner only. For development and tests: production clusters take their certificates from
/// their own PKI.
/// </remarks>
internal sealed partial class DevelopmentCertificates : IDisposable
{
    /// <summary>File name of the authority's certificate in the output folder.</summary>
    public const string AuthorityCertificateFile = "ca.crt";

    /// <summary>File name of the authority's private key in the output folder.</summary>
    public const string AuthorityKeyFile = "ca.key";

    private readonly X509Certificate2 _authority;

    private DevelopmentCertificates(X509Certificate2 authority, bool created)
    {
        _authority = authority;
        CreatedAuthority = created;
    }

    /// <summary>True when <see cref="OpenOrCreate"/> made a new authority, false when it loaded one.</summary>
    public bool CreatedAuthority { get; }

    /// <summary>The authority's certificate (with its private key).</summary>
    public X509Certificate2 Authority => _authority;

    /// <summary>
    /// Loads the authority kept in <paramref name="folder"/>, or creates one there (valid ten years) when the folder
    /// holds neither of its files.
    /// </summary>
    /// <exception cref="InvalidOperationException">Only one of the two files is there, or they do not belong together.</exception>
    public static DevelopmentCertificates OpenOrCreate(string folder)
    {
        var certificatePath = Path.Combine(folder, AuthorityCertificateFile);
        var keyPath = Path.Combine(folder, AuthorityKeyFile);
        var hasCertificate = File.Exists(certificatePath);
        var hasKey = File.Exists(keyPath);
        if (hasCertificate != hasKey)
        {
            throw new InvalidOperationException(
                $"{(hasCertificate ? keyPath : certificatePath)} is missing while {(hasCertificate ? certificatePath : keyPath)} exists: " +
                "a CA needs both its certificate and its key. Restore the missing file, or remove the other to create a new CA " +
                "(node certificates signed by the old one will then no longer be trusted).");
        }

        if (hasCertificate)
        {
            X509Certificate2 loaded;
            try
            {
                loaded = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            }
            catch (CryptographicException e)
            {
                throw new InvalidOperationException($"{certificatePath} and {keyPath} cannot be read as a certificate and its key: {e.Message}", e);
            }

            return new DevelopmentCertificates(loaded, created: false);
        }

        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=AkkaMedia development CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        var authority = request.CreateSelfSigned(now.AddHours(-1), now.AddYears(10));
        Write(certificatePath, authority.ExportCertificatePem(), secret: false);
        Write(keyPath, key.ExportPkcs8PrivateKeyPem(), secret: true);
        return new DevelopmentCertificates(authority, created: true);
    }

    /// <summary>Checks that <paramref name="name"/> can name a node: a host name or an IP address.</summary>
    public static bool IsValidName(string name) =>
        IPAddress.TryParse(name, out _) || (name.Length <= 253 && HostName().IsMatch(name));

    /// <summary>
    /// Issues the certificate of node <paramref name="name"/>, valid <paramref name="days"/> days from now (never past
    /// the authority's own end), and writes it to <paramref name="path"/> as PKCS#12 without a password.
    /// </summary>
    /// <returns>The certificate written (with its private key).</returns>
    public X509Certificate2 Issue(string name, int days, string path)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        if (IPAddress.TryParse(name, out var address))
        {
            alternativeNames.AddIpAddress(address);
        }
        else
        {
            alternativeNames.AddDnsName(name);
        }

        request.CertificateExtensions.Add(alternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")],
            critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var now = DateTimeOffset.UtcNow;
        var notAfter = now.AddDays(days) < _authority.NotAfter ? now.AddDays(days) : new DateTimeOffset(_authority.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(_authority, now.AddHours(-1), notAfter, serial);
        var certificate = signed.CopyWithPrivateKey(key);
        using var authorityOnly = X509CertificateLoader.LoadCertificate(_authority.RawData);
        var pfx = new X509Certificate2Collection { certificate, authorityOnly }.Export(X509ContentType.Pkcs12)
            ?? throw new CryptographicException($"The certificate of {name} could not be exported.");
        WriteBytes(path, pfx);
        return certificate;
    }

    /// <inheritdoc />
    public void Dispose() => _authority.Dispose();

    private static void Write(string path, string text, bool secret) =>
        WriteBytes(path, System.Text.Encoding.ASCII.GetBytes(text), secret);

    private static void WriteBytes(string path, byte[] bytes, bool secret = true) => SecretFile.Write(path, bytes, secret);

    /// <summary>Host-name labels: letters, digits and inner hyphens, separated by dots.</summary>
    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();
}

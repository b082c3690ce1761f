using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;

namespace AkkaMedia.Deployment;

/// <summary>
/// Signs the manifests of the packages a client ships with the private key of <c>akka-media.deploy.signing-key</c> (a
/// PEM file holding an ECDSA P-256 key, as <c>akkamedia key create</c> writes it). The key is read once per
/// configuration, the first time a package is shipped; each package's signature is made once and reused by its later
/// deploys. Thread-safe.
/// </summary>
internal sealed class PackageSigner
{
    /// <summary>The configuration key naming the private key file.</summary>
    public const string SigningKeyPath = "akka-media.deploy.signing-key";

    private static readonly ConditionalWeakTable<Config, Holder> Configured = new();

    private readonly ECDsa _key;
    private readonly Lock _gate = new();
    private readonly ConditionalWeakTable<CodePackage, PackageSignature> _signed = new();

    private PackageSigner(ECDsa key)
    {
        _key = key;
        KeyId = PackageSignature.KeyIdOf(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The id of the public half of the signing key (<see cref="PackageSignature.KeyIdOf"/>).</summary>
    public string KeyId { get; }

    /// <summary>The signature of <paramref name="package"/> when <paramref name="system"/> has a signing key configured; null when it has none.</summary>
    /// <exception cref="InvalidOperationException">The configured key file is missing, unreadable or not an ECDSA P-256 private key; the message says how to fix it.</exception>
    public static PackageSignature? SignatureFor(ActorSystem system, CodePackage package)
    {
        ArgumentNullException.ThrowIfNull(system);
        return For(system.Settings.Config)?.Sign(package);
    }

    /// <summary>The signer of <paramref name="config"/>'s <c>akka-media.deploy.signing-key</c>, or null when it is empty.</summary>
    /// <exception cref="InvalidOperationException">The key file is missing, unreadable or not an ECDSA P-256 private key.</exception>
    public static PackageSigner? For(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Configured.GetValue(config, static c => new Holder(c)).Signer;
    }

    /// <summary>A signer over <paramref name="key"/>, which must be an ECDSA P-256 key with its private part; for specs and tools.</summary>
    public static PackageSigner Over(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new PackageSigner(key);
    }

    /// <summary>
    /// Reads the ECDSA P-256 private key in the PEM file at <paramref name="path"/> (<c>-----BEGIN PRIVATE KEY-----</c> or
    /// <c>-----BEGIN EC PRIVATE KEY-----</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is missing, unreadable or holds no ECDSA P-256 private key; the message names <paramref name="setting"/> and says how to fix it.</exception>
    public static ECDsa ReadPrivateKey(string path, string setting)
    {
        const string Fix = "Create a key pair with `akkamedia key create --out DIR --name NAME` and set the path of NAME.key.";
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"{setting} = \"{path}\" cannot be read: {e.Message} {Fix}", e);
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256 || key.ExportParameters(includePrivateParameters: true).D is null)
            {
                throw new CryptographicException($"the key has {key.KeySize} bits; package signatures use ECDSA P-256 (256 bits)");
            }

            return key;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} = \"{path}\" holds no ECDSA P-256 private key in PEM format: {e.Message}. {Fix}", e);
        }
    }

    /// <summary>The signature of <paramref name="package"/>'s manifest, made on its first request and then reused.</summary>
    public PackageSignature Sign(CodePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return _signed.GetValue(package, p => Sign(p.EntryAssembly, p.Entries));
    }

    /// <summary>The signature of the manifest of <paramref name="entryAssembly"/> with <paramref name="entries"/>.</summary>
    public PackageSignature Sign(string entryAssembly, IReadOnlyList<PackageEntry> entries)
    {
        var bytes = PackageManifest.ToSign(entryAssembly, entries);
        lock (_gate)
        {
            return new PackageSignature(KeyId, _key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        }
    }

    /// <summary>The configured signer of one configuration, read once; a failure to read it is kept and thrown on every use.</summary>
    private sealed class Holder(Config config)
    {
        private readonly Lazy<PackageSigner?> _signer = new(() => Read(config), LazyThreadSafetyMode.ExecutionAndPublication);

        public PackageSigner? Signer => _signer.Value;

        private static PackageSigner? Read(Config config)
        {
            var path = new SettingsSection(config, "akka-media.deploy").GetString("signing-key");
            return path.Length == 0 ? null : new PackageSigner(ReadPrivateKey(path, SigningKeyPath));
        }
    }
}

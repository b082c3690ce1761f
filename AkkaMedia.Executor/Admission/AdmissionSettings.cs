using System.Security.Cryptography;
using Akka.Configuration;
using AkkaMedia.Deployment;

namespace AkkaMedia.Executor.Admission;

/// <summary>
/// Who may ship code to an executor, read from <c>akka-media.executor.admission</c>: the cluster role a sender of shipped
/// code must have (empty: any member), whether packages must be signed, and the public keys whose signatures count.
/// Every trusted key file is read when the settings are created, so a missing or unreadable one fails the executor's start.
/// </summary>
internal sealed class AdmissionSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "akka-media.executor.admission";

    private AdmissionSettings(string requireRole, bool requireSignature, IReadOnlyList<TrustedKey> trustedKeys)
    {
        RequireRole = requireRole;
        RequireSignature = requireSignature;
        TrustedKeys = trustedKeys;
    }

    /// <summary>The role a member needs to ship code; empty when any member may.</summary>
    public string RequireRole { get; }

    /// <summary>Whether shipped code loads only with a manifest signature by one of <see cref="TrustedKeys"/>.</summary>
    public bool RequireSignature { get; }

    /// <summary>The keys whose signatures are accepted, in configuration order; ids are unique.</summary>
    public IReadOnlyList<TrustedKey> TrustedKeys { get; }

    /// <summary>Whether any rule applies; when not, every member may ship code unsigned.</summary>
    public bool IsOpen => RequireRole.Length == 0 && !RequireSignature;

    /// <summary>Reads <c>akka-media.executor.admission</c> from <paramref name="config"/>, falling back to the executor's defaults, and reads every trusted key.</summary>
    /// <exception cref="ArgumentException">
    /// A value is wrong: a trusted key file is missing, unreadable or holds no ECDSA P-256 public key, two files hold the
    /// same key, or signatures are required and no key is trusted. The message names the key and says how to fix it.
    /// </exception>
    public static AdmissionSettings Create(Config config)
    {
        var section = ExecutorSettings.WithDefaults(config).GetConfig(Section);
        var role = (section.GetString("require-role") ?? string.Empty).Trim();
        var requireSignature = section.GetBoolean("require-signature");
        var paths = section.GetStringList("trusted-keys") ?? [];
        var keys = new List<TrustedKey>(paths.Count);
        foreach (var path in paths)
        {
            var key = ReadPublicKey(path);
            if (keys.FirstOrDefault(k => k.Id == key.Id) is { } same)
            {
                throw new ArgumentException($"{Section}.trusted-keys lists the key {key.Id} twice: \"{same.Path}\" and \"{path}\". Keep one of them.", Section + ".trusted-keys");
            }

            keys.Add(key);
        }

        if (requireSignature && keys.Count == 0)
        {
            throw new ArgumentException(
                $"{Section}.require-signature = on needs at least one public key in {Section}.trusted-keys: no package could be admitted. " +
                "Create a key pair with `akkamedia key create --out DIR --name NAME`, list DIR/NAME.pub there and give NAME.key to the clients (akka-media.deploy.signing-key).",
                Section + ".trusted-keys");
        }

        return new AdmissionSettings(role, requireSignature, keys);
    }

    private static TrustedKey ReadPublicKey(string path)
    {
        const string Fix = "List the NAME.pub files written by `akkamedia key create --out DIR --name NAME`, or remove the entry.";
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ArgumentException($"{Section}.trusted-keys: \"{path}\" cannot be read: {e.Message} {Fix}", Section + ".trusted-keys", e);
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"the key has {key.KeySize} bits; package signatures use ECDSA P-256 (256 bits)");
            }

            return new TrustedKey(PackageSignature.KeyIdOf(key.ExportSubjectPublicKeyInfo()), path, key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new ArgumentException($"{Section}.trusted-keys: \"{path}\" holds no ECDSA P-256 public key in PEM format: {e.Message}. {Fix}", Section + ".trusted-keys", e);
        }
    }
}

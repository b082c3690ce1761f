using System.CommandLine;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using AkkaMedia.Deployment;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia key create --out DIR --name NAME</c>: a key pair that signs packages of shipped code. <c>DIR/NAME.key</c>
/// is the private key (PKCS#8 PEM, readable by its owner only: mode 600 where the file system has modes) that clients
/// set as <c>akka-media.deploy.signing-key</c>; <c>DIR/NAME.pub</c> the public key (SubjectPublicKeyInfo PEM) that
/// executors list in <c>akka-media.executor.admission.trusted-keys</c>. Prints both paths and the key's id, the name
/// executors give it in their refusals. Nothing is written when the name is not a plain file name or a file exists
/// (without <c>--force</c>): exit code 2. Exit code 1 when a file cannot be written.
/// </summary>
internal static partial class KeyCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out")
        {
            Description = "Folder for NAME.key and NAME.pub; created if missing.",
            Required = true,
        };
        var name = new Option<string>("--name")
        {
            Description = "Name of the key pair: letters, digits, '.', '_' and '-' (e.g. team-a).",
            Required = true,
        };
        var force = new Option<bool>("--force")
        {
            Description = "Replace NAME.key and NAME.pub if they exist.",
        };

        var create = new Command("create", "Make an ECDSA P-256 key pair that signs the packages of shipped code (NAME.key, private) and that executors trust (NAME.pub).")
        {
            output,
            name,
            force,
        };
        create.SetAction((parse, _) => Task.FromResult(Run(
            parse.GetValue(output)!, parse.GetValue(name)!, parse.GetValue(force), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error)));

        return new Command("key", "Signing keys for shipped code (akka-media.deploy.signing-key, akka-media.executor.admission.trusted-keys).") { create };
    }

    private static int Run(string folder, string name, bool force, TextWriter stdout, TextWriter stderr)
    {
        if (!PlainName().IsMatch(name))
        {
            stderr.WriteLine($"--name: '{name}' is not a plain name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters).");
            return HostCommandLine.BadArguments;
        }

        var privatePath = Path.Combine(folder, name + ".key");
        var publicPath = Path.Combine(folder, name + ".pub");
        var existing = new[] { privatePath, publicPath }.Where(File.Exists).ToList();
        if (existing.Count > 0 && !force)
        {
            stderr.WriteLine($"{string.Join(", ", existing)} already exist{(existing.Count == 1 ? "s" : string.Empty)}; nothing was written. Pass --force to replace, or choose another name.");
            return HostCommandLine.BadArguments;
        }

        try
        {
            Directory.CreateDirectory(folder);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            WritePrivate(privatePath, key.ExportPkcs8PrivateKeyPem());
            File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + Environment.NewLine);
            var id = PackageSignature.KeyIdOf(key.ExportSubjectPublicKeyInfo());
            stdout.WriteLine($"created {privatePath} (private signing key, ECDSA P-256; keep it secret; clients: akka-media.deploy.signing-key = \"{Path.GetFullPath(privatePath)}\")");
            stdout.WriteLine($"created {publicPath} (public key, id {id}; executors: akka-media.executor.admission.trusted-keys = [\"{Path.GetFullPath(publicPath)}\"])");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            stderr.WriteLine($"key create failed: {e.Message}");
            return 1;
        }
    }

    /// <summary>Writes <paramref name="pem"/> to a file only its owner can read (on file systems with Unix modes).</summary>
    private static void WritePrivate(string path, string pem) =>
        Tls.SecretFile.Write(path, System.Text.Encoding.UTF8.GetBytes(pem + Environment.NewLine), secret: true);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex PlainName();
}

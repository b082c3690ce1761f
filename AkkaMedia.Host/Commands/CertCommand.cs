using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using AkkaMedia.Host.Tls;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// <c>akkamedia cert create --out DIR --names a,b</c>: a development certificate authority in <c>DIR/ca.crt</c> (its
/// key in <c>DIR/ca.key</c>) and one certificate per node name, <c>DIR/NAME.pfx</c> without a password, for mutual
/// TLS between the nodes of a cluster. An authority already in the folder is reused, so a later run adds nodes that
/// the earlier ones trust. Nothing is written when an argument is wrong or a node's file exists (without
/// <c>--force</c>): exit code 2. Exit code 1 when a file cannot be written.
/// </summary>
internal static class CertCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out")
        {
            Description = "Folder for ca.crt, ca.key and one NAME.pfx per node; created if missing. A CA already in it is reused.",
            Required = true,
        };
        var names = new Option<string[]>("--names")
        {
            Description = "Node names, comma-separated: host names or IP addresses (each certificate names its node in CN and subject alternative name).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var days = new Option<int>("--days")
        {
            Description = "Days the node certificates are valid.",
            DefaultValueFactory = _ => 365,
        };
        CommonOptions.Require(days, d => d is >= 1 and <= 3650, "--days must be between 1 and 3650.");
        var force = new Option<bool>("--force")
        {
            Description = "Replace node certificates that already exist in the folder.",
        };

        var create = new Command("create", "Make a development CA and a certificate signed by it for each node name (mutual TLS: server and client).")
        {
            output,
            names,
            days,
            force,
        };
        create.SetAction((parse, _) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            return Task.FromResult(Run(parse.GetValue(output)!, parse.GetValue(names)!, parse.GetValue(days), parse.GetValue(force), stdout, stderr));
        });

        return new Command("cert", "Development certificates for mutual TLS between the nodes of a cluster.") { create };
    }

    private static int Run(string folder, string[] nameArguments, int days, bool force, TextWriter stdout, TextWriter stderr)
    {
        var names = nameArguments
            .SelectMany(static a => a.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        if (names.Count == 0)
        {
            stderr.WriteLine("--names needs at least one node name, e.g. --names executor-1,client.");
            return HostCommandLine.BadArguments;
        }

        if (names.FirstOrDefault(static n => !DevelopmentCertificates.IsValidName(n)) is { } bad)
        {
            stderr.WriteLine($"--names: '{bad}' is not a host name or IP address (letters, digits, dots and inner hyphens; or an address such as 10.0.0.5).");
            return HostCommandLine.BadArguments;
        }

        if (names.GroupBy(static n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(static g => g.Count() > 1) is { } twice)
        {
            stderr.WriteLine($"--names: '{twice.Key}' is given twice; each node gets one certificate.");
            return HostCommandLine.BadArguments;
        }

        var existing = names.Select(n => PfxPath(folder, n)).Where(File.Exists).ToList();
        if (existing.Count > 0 && !force)
        {
            stderr.WriteLine($"{string.Join(", ", existing)} already exist{(existing.Count == 1 ? "s" : string.Empty)}; nothing was written. Pass --force to replace, or choose other names.");
            return HostCommandLine.BadArguments;
        }

        try
        {
            Directory.CreateDirectory(folder);
            using var authority = DevelopmentCertificates.OpenOrCreate(folder);
            var caPath = Path.Combine(folder, DevelopmentCertificates.AuthorityCertificateFile);
            stdout.WriteLine(authority.CreatedAuthority
                ? $"created {caPath} (development CA, valid until {Date(authority.Authority.NotAfter)}; its key: {Path.Combine(folder, DevelopmentCertificates.AuthorityKeyFile)}, keep it private)"
                : $"using   {caPath} (the CA already in {folder})");
            foreach (var name in names)
            {
                var path = PfxPath(folder, name);
                using var certificate = authority.Issue(name, days, path);
                stdout.WriteLine($"created {path} ({name}: server and client certificate signed by the CA, no password, valid until {Date(certificate.NotAfter)})");
            }

            return 0;
        }
        catch (InvalidOperationException e)
        {
            stderr.WriteLine(e.Message);
            return HostCommandLine.BadArguments;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            stderr.WriteLine($"cert create failed: {e.Message}");
            return 1;
        }
    }

    private static string PfxPath(string folder, string name) => Path.Combine(folder, name + ".pfx");

    private static string Date(DateTime value) => value.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

using System.CommandLine;
using Akka.Configuration;
using AkkaMedia.Security;

namespace AkkaMedia.Host.Commands;

/// <summary>
/// The TLS flags of <c>node</c>, <c>run</c>, <c>serve</c> and <c>cmd</c>: <c>--tls FILE.pfx</c>, <c>--tls-ca CA.crt</c> and
/// <c>--tls-password</c>. They set <c>akka-media.tls</c> over any <c>--config</c> file; what they name is checked when the
/// command reads its configuration (a missing file or a wrong password exits with code 2 and says which).
/// </summary>
internal sealed class TlsOptions
{
    private readonly Option<string?> _certificate = new("--tls")
    {
        Description = "Speak mutual TLS with this node's certificate (PKCS#12 .pfx with its key, e.g. from akkamedia cert create): Akka.Remote, the media link, the admin server and HTTPS/WSS. Needs --tls-ca. Default: akka-media.tls.certificate (empty: off).",
    };

    private readonly Option<string?> _authority = new("--tls-ca")
    {
        Description = "The certificate of the CA that signs every member's certificate (PEM or DER); peers it did not sign are refused. Default: akka-media.tls.ca.",
    };

    private readonly Option<string?> _password = new("--tls-password")
    {
        Description = "The password of the --tls file, when it has one. Default: akka-media.tls.password.",
    };

    /// <summary>Adds the three flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(_certificate);
        command.Options.Add(_authority);
        command.Options.Add(_password);
    }

    /// <summary>The options themselves, for a command that must tell its own flags from the words it passes on.</summary>
    public IEnumerable<Option> All => [_certificate, _authority, _password];

    /// <summary><c>akka-media.tls</c> for what was given (nothing for a flag not given), to layer over the configuration.</summary>
    public Config Read(ParseResult parse) => ToConfig(parse.GetValue(_certificate), parse.GetValue(_authority), parse.GetValue(_password));

    /// <summary><c>akka-media.tls</c> keys for the values that are set.</summary>
    public static Config ToConfig(string? certificate, string? authority, string? password)
    {
        var lines = new List<string>();
        if (certificate is not null)
        {
            lines.Add($"akka-media.tls.certificate = {Quote(Path.GetFullPath(certificate))}");
        }

        if (authority is not null)
        {
            lines.Add($"akka-media.tls.ca = {Quote(Path.GetFullPath(authority))}");
        }

        if (password is not null)
        {
            lines.Add($"akka-media.tls.password = {Quote(password)}");
        }

        return lines.Count == 0 ? Config.Empty : ConfigurationFactory.ParseString(string.Join('\n', lines));
    }

    /// <summary>A HOCON string (a JSON string is one).</summary>
    private static string Quote(string value) => System.Text.Json.JsonSerializer.Serialize(value);

    /// <summary>The settings the flags alone describe (for <c>cmd</c>, which starts no actor system).</summary>
    /// <exception cref="ArgumentException">They are invalid; the message says what to fix.</exception>
    public TlsSettings Settings(ParseResult parse) => TlsSettings.Create(Read(parse));
}

using System.ComponentModel;
using System.Security.Cryptography;

namespace AkkaMedia.Deployment;

/// <summary>
/// A signature over a package's manifest (its entry assembly and every entry's name, version, SHA-256 and length, in
/// order; see <see cref="PackageManifest"/>): ECDSA on the NIST P-256 curve with SHA-256, in the IEEE P1363 layout (r
/// then s, 64 bytes). The client signs with the private key of <c>akka-media.deploy.signing-key</c>; an executor with
/// <c>akka-media.executor.admission.require-signature = on</c> loads shipped code only when the manifest of the request
/// verifies against one of its <c>trusted-keys</c>. Since each entry's SHA-256 is signed and the executor's store checks
/// every byte against it, the signature covers the assemblies themselves, not only their names.
/// </summary>
/// <param name="KeyId">Which key signed: <see cref="KeyIdOf"/> of its public key, 16 lowercase hexadecimal characters.</param>
/// <param name="Value">The signature bytes.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed record PackageSignature(string KeyId, byte[] Value)
{
    /// <summary>Largest signature accepted from the wire; a P-256 signature in IEEE P1363 layout has 64 bytes.</summary>
    public const int MaxBytes = 256;

    /// <summary>The key id, checked: 16 lowercase hexadecimal characters.</summary>
    public string KeyId { get; } = ValidKeyId(KeyId);

    /// <summary>The signature bytes, checked: 1 to <see cref="MaxBytes"/> bytes.</summary>
    public byte[] Value { get; } = Value is { Length: > 0 and <= MaxBytes }
        ? Value
        : throw new ArgumentOutOfRangeException(nameof(Value), Value?.Length, $"A package signature has 1 to {MaxBytes} bytes.");

    /// <summary>
    /// The id of a public key: the first 16 hexadecimal characters of the SHA-256 of its DER-encoded SubjectPublicKeyInfo
    /// (the bytes inside a <c>-----BEGIN PUBLIC KEY-----</c> PEM block). Executors name trusted keys by it in their refusals.
    /// </summary>
    public static string KeyIdOf(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

    /// <inheritdoc />
    public override string ToString() => $"signature by key {KeyId} ({Value.Length} bytes)";

    private static string ValidKeyId(string keyId)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return keyId.Length == 16 && keyId.All(static c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'))
            ? keyId
            : throw new ArgumentOutOfRangeException(nameof(KeyId), keyId, "A key id is 16 lowercase hexadecimal characters.");
    }
}

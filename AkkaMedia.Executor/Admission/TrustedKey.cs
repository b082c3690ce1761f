using System.Security.Cryptography;

namespace AkkaMedia.Executor.Admission;

/// <summary>
/// A public key an executor trusts to sign packages: read from <paramref name="Path"/> (a PEM file, as
/// <c>akkamedia key create</c> writes NAME.pub), named by <paramref name="Id"/> (<see cref="Deployment.PackageSignature.KeyIdOf"/>).
/// </summary>
internal sealed record TrustedKey(string Id, string Path, ECDsa Key);

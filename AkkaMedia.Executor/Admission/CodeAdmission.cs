using System.Security.Cryptography;
using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Deployment;

namespace AkkaMedia.Executor.Admission;

/// <summary>
/// Applies an executor's <see cref="AdmissionSettings"/> to each request that ships code (a package offer or upload, an
/// object or shipped-node session open): the sender must be a cluster member with <c>require-role</c>, and with
/// <c>require-signature = on</c> the request's manifest must carry a valid signature by a trusted key. Both rules are
/// checked on every request, whatever the package store already holds, so code cached for an admitted sender is no
/// easier to run for another. A refusal is a message naming the executor, the rule and what was found. Thread-safe
/// (the executor actor and its package store share one).
/// </summary>
/// <remarks>
/// The sender is the node its request came from as Akka.Remote reports it (a local sender is this node). A node counts
/// as a member while it is joining, up or leaving, not once it is exiting, down or removed. Verified signatures are
/// remembered (by the signed bytes, the key and the signature), so a warm deploy does not verify again.
/// </remarks>
internal sealed class CodeAdmission
{
    private const int MaxRemembered = 1024;

    private readonly AdmissionSettings _settings;
    private readonly Cluster? _cluster;
    private readonly Address _self;
    private readonly Dictionary<string, TrustedKey> _keys;
    private readonly HashSet<string> _verified = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    private CodeAdmission(AdmissionSettings settings, Cluster? cluster, Address self)
    {
        _settings = settings;
        _cluster = cluster;
        _self = self;
        _keys = settings.TrustedKeys.ToDictionary(static k => k.Id, StringComparer.Ordinal);
    }

    /// <summary>Whether signatures are checked, so that uploads must follow an admitted offer.</summary>
    public bool RequiresSignature => _settings.RequireSignature;

    /// <summary>The admission of the executor of <paramref name="system"/>.</summary>
    /// <exception cref="InvalidOperationException"><c>require-role</c> is set on a system that is not a cluster node (its members' roles cannot be known).</exception>
    public static CodeAdmission Create(ActorSystem system, AdmissionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        var provider = ((ExtendedActorSystem)system).Provider;
        var isCluster = provider is Akka.Cluster.ClusterActorRefProvider;
        if (settings.RequireRole.Length > 0 && !isCluster)
        {
            throw new InvalidOperationException(
                $"{AdmissionSettings.Section}.require-role = {settings.RequireRole} needs a cluster node (akka.actor.provider = cluster): " +
                "only cluster members' roles can be checked. Run the executor in a cluster, or set require-role = \"\".");
        }

        return new CodeAdmission(settings, isCluster ? Cluster.Get(system) : null, provider.DefaultAddress);
    }

    /// <summary>
    /// Why the request from <paramref name="sender"/> that ships the package <paramref name="entryAssembly"/> with
    /// <paramref name="entries"/>, signed by <paramref name="signature"/>, is refused; null when it is admitted.
    /// </summary>
    public string? Refusal(IActorRef sender, string entryAssembly, IReadOnlyList<PackageEntry> entries, PackageSignature? signature) =>
        RoleRefusal(sender) ?? SignatureRefusal(entryAssembly, entries, signature);

    /// <summary>
    /// Why the node of <paramref name="sender"/> may not ship code (the role rule); null when it may. A request without a
    /// sender (no sender, or dead letters: what a remote message sent without one arrives with) is refused, since its
    /// node cannot be told.
    /// </summary>
    public string? RoleRefusal(IActorRef? sender)
    {
        var role = _settings.RequireRole;
        if (role.Length == 0)
        {
            return null;
        }

        if (sender is null || sender.IsNobody())
        {
            return $"Executor {_self} refuses shipped code sent without a sender: {AdmissionSettings.Section}.require-role = {role} and the node it came from cannot be told.";
        }

        var address = sender.Path.Address.HasLocalScope ? _self : sender.Path.Address;
        var member = ClusterMembers.At(_cluster!, address);
        if (member is null)
        {
            return $"Executor {_self} refuses shipped code from {address}: {AdmissionSettings.Section}.require-role = {role} and that node is not a member of the cluster " +
                "(only a member's roles can be checked; a node is one from joining until it exits).";
        }

        return member.HasRole(role)
            ? null
            : $"Executor {_self} refuses shipped code from {address}: {AdmissionSettings.Section}.require-role = {role} and that node's roles are [{string.Join(", ", member.Roles.Order(StringComparer.Ordinal))}].";
    }

    /// <summary>Why the manifest of <paramref name="entryAssembly"/> with <paramref name="entries"/> is not admitted by its <paramref name="signature"/>; null when it is, or when signatures are not required.</summary>
    public string? SignatureRefusal(string entryAssembly, IReadOnlyList<PackageEntry> entries, PackageSignature? signature)
    {
        if (!_settings.RequireSignature)
        {
            return null;
        }

        var rule = $"{AdmissionSettings.Section}.require-signature = on";
        var trusted = $"it trusts the keys [{string.Join(", ", _settings.TrustedKeys.Select(static k => k.Id))}]";
        if (signature is null)
        {
            return $"Executor {_self} refuses the unsigned package of {entryAssembly}: {rule} and {trusted}. " +
                "Sign packages on the client with akka-media.deploy.signing-key = the private key (NAME.key) of one of them.";
        }

        if (!_keys.TryGetValue(signature.KeyId, out var key))
        {
            return $"Executor {_self} refuses the package of {entryAssembly} signed with key {signature.KeyId}: {rule} and {trusted}, not that one. " +
                $"Add its public key to {AdmissionSettings.Section}.trusted-keys, or sign with a trusted key.";
        }

        var signed = PackageManifest.ToSign(entryAssembly, entries);
        var fingerprint = Fingerprint(signed, signature);
        lock (_gate)
        {
            if (_verified.Contains(fingerprint))
            {
                return null;
            }

            if (!key.Key.VerifyData(signed, signature.Value, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return $"Executor {_self} refuses the package of {entryAssembly}: {rule} and its signature by key {signature.KeyId} does not match its manifest " +
                    "(the list of assemblies and their hashes changed after it was signed, or it was signed by another key).";
            }

            if (_verified.Count >= MaxRemembered)
            {
                _verified.Clear();
            }

            _verified.Add(fingerprint);
            return null;
        }
    }

    private static string Fingerprint(byte[] signed, PackageSignature signature)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(signed);
        hash.AppendData(System.Text.Encoding.ASCII.GetBytes(signature.KeyId));
        hash.AppendData(signature.Value);
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

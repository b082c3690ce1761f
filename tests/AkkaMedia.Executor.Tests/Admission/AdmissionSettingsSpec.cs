using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Admission;

namespace AkkaMedia.Executor.Tests.Admission;

public sealed class AdmissionSettingsSpec
{
    [Fact]
    public void Admission_must_admit_every_member_by_default()
    {
        var settings = AdmissionSettings.Create(Akka.Configuration.Config.Empty);

        Assert.True(settings.IsOpen);
        Assert.Equal(string.Empty, settings.RequireRole);
        Assert.False(settings.RequireSignature);
        Assert.Empty(settings.TrustedKeys);
    }

    [Fact]
    public void Admission_must_read_the_role_and_the_trusted_keys_naming_each_by_its_id()
    {
        var (_, publicKey) = SigningKeys.Create("ops");

        var settings = AdmissionSettings.Create(Config($"require-role = code-shipper\nrequire-signature = on\ntrusted-keys = [\"{publicKey}\"]"));

        Assert.Equal("code-shipper", settings.RequireRole);
        Assert.True(settings.RequireSignature);
        Assert.Equal(SigningKeys.IdOf(publicKey), Assert.Single(settings.TrustedKeys).Id);
    }

    [Fact]
    public void A_missing_trusted_key_file_must_fail_the_start_saying_how_to_fix_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "gone.pub");

        var error = Assert.Throws<ArgumentException>(() => AdmissionSettings.Create(Config($"trusted-keys = [\"{missing}\"]")));

        Assert.Contains($"akka-media.executor.admission.trusted-keys: \"{missing}\" cannot be read", error.Message);
        Assert.Contains("akkamedia key create --out DIR --name NAME", error.Message);
    }

    [Fact]
    public void A_trusted_key_file_without_a_P256_public_key_must_fail_the_start()
    {
        var (_, publicKey) = SigningKeys.Create("garbled");
        File.WriteAllText(publicKey, "not a key");

        var error = Assert.Throws<ArgumentException>(() => AdmissionSettings.Create(Config($"trusted-keys = [\"{publicKey}\"]")));

        Assert.Contains("holds no ECDSA P-256 public key in PEM format", error.Message);
    }

    [Fact]
    public void Required_signatures_without_a_trusted_key_must_fail_the_start()
    {
        var error = Assert.Throws<ArgumentException>(() => AdmissionSettings.Create(Config("require-signature = on")));

        Assert.Contains("require-signature = on needs at least one public key in akka-media.executor.admission.trusted-keys", error.Message);
    }

    [Fact]
    public void A_required_role_must_fail_the_start_of_an_executor_that_is_not_a_cluster_node()
    {
        using var system = Akka.Actor.ActorSystem.Create("local");

        var error = Assert.Throws<InvalidOperationException>(() => CodeAdmission.Create(system, AdmissionSettings.Create(Config("require-role = code-shipper"))));

        Assert.Contains("require-role = code-shipper needs a cluster node", error.Message);
    }

    [Fact]
    public void A_signature_must_verify_only_for_the_manifest_it_was_signed_for()
    {
        var (privateKey, publicKey) = SigningKeys.Create("unit");
        using var system = Akka.Actor.ActorSystem.Create("local");
        var admission = CodeAdmission.Create(system, AdmissionSettings.Create(Config($"require-signature = on\ntrusted-keys = [\"{publicKey}\"]")));
        var signer = PackageSigner.For(ConfigurationFactory.ParseString($"akka-media.deploy.signing-key = \"{privateKey}\""))!;
        PackageEntry[] entries = [Packages.PackageFiles.Blob("User.A", 10).Entry, Packages.PackageFiles.Blob("User.B", 10).Entry];
        var signature = signer.Sign("User.A", entries);

        Assert.Null(admission.SignatureRefusal("User.A", entries, signature));
        Assert.Null(admission.SignatureRefusal("User.A", entries, signature));
        Assert.NotNull(admission.SignatureRefusal("User.B", entries, signature));
        Assert.NotNull(admission.SignatureRefusal("User.A", entries.Reverse().ToArray(), signature));
        Assert.NotNull(admission.SignatureRefusal("User.A", [new PackageEntry(entries[0].Name, "2.0.0.0", entries[0].Sha256, entries[0].Length), entries[1]], signature));
    }

    [Fact]
    public void A_missing_signing_key_must_fail_the_deploy_saying_how_to_fix_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "gone.key");

        var error = Assert.Throws<InvalidOperationException>(() => PackageSigner.For(ConfigurationFactory.ParseString($"akka-media.deploy.signing-key = \"{missing}\"")));

        Assert.Contains($"akka-media.deploy.signing-key = \"{missing}\" cannot be read", error.Message);
        Assert.Contains("akkamedia key create", error.Message);
    }

    private static Config Config(string admission) =>
        ConfigurationFactory.ParseString("akka-media.executor.admission {\n" + admission + "\n}");
}

using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Executor.Tests.Packages;
using AkkaMedia.Protocol;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Admission;

/// <summary>
/// An executor with <c>admission.require-signature = on</c> that trusts one key, and a client that signs with it
/// (<c>akka-media.deploy.signing-key</c>); requests the spec sends itself carry no signature, another key's, or one over
/// another manifest.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class SignatureAdmissionSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<SignedOnlyExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly SignedOnlyExecutor _executor;
    private readonly string _trustedId = SigningKeys.IdOf(SigningKeys.TrustedPublic);

    public SignatureAdmissionSpec(SignedOnlyExecutor executor, ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString($"akka-media.deploy.signing-key = \"{SigningKeys.TrustedPrivate}\"").WithFallback(executor.ClientConfig), "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    private static PackageSigner Trusted => PackageSigner.For(ConfigurationFactory.ParseString($"akka-media.deploy.signing-key = \"{SigningKeys.TrustedPrivate}\""))!;

    [Fact]
    public async Task Executor_must_run_shipped_code_signed_by_a_trusted_key()
    {
        await using var calculator = await RemoteHandle.DeployAsync(Sys, AdmissionCode.NewCalculator(), AdmissionCode.Interface);

        Assert.Equal(5, calculator.Call("Add", 5));
    }

    [Fact]
    public async Task Executor_must_refuse_an_unsigned_package_naming_the_rule_and_the_keys_it_trusts()
    {
        var blob = PackageFiles.Blob("User.Unsigned", 1000);

        var reply = await AdmissionCode.ExecutorOf(Sys, _executor).Ask<object>(new OfferPackage("unsigned", "User.Unsigned", [blob.Entry]), Timeout);

        var reason = Assert.IsType<PackageRejected>(reply).Reason;
        Assert.Contains("refuses the unsigned package of User.Unsigned: akka-media.executor.admission.require-signature = on", reason);
        Assert.Contains($"it trusts the keys [{_trustedId}]", reason);
        Assert.Contains("akka-media.deploy.signing-key", reason);
    }

    [Fact]
    public async Task Executor_must_refuse_a_package_signed_with_a_key_it_does_not_trust()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = PackageSigner.Over(other);
        var blob = PackageFiles.Blob("User.OtherKey", 1000);
        var offer = new OfferPackage("other-key", "User.OtherKey", [blob.Entry]) { Signature = signer.Sign("User.OtherKey", [blob.Entry]) };

        var reply = await AdmissionCode.ExecutorOf(Sys, _executor).Ask<object>(offer, Timeout);

        var reason = Assert.IsType<PackageRejected>(reply).Reason;
        Assert.Contains($"signed with key {signer.KeyId}: akka-media.executor.admission.require-signature = on and it trusts the keys [{_trustedId}], not that one", reason);
    }

    [Fact]
    public async Task Executor_must_refuse_a_manifest_changed_after_it_was_signed()
    {
        var genuine = PackageFiles.Blob("User.Tampered", 1000);
        var swapped = new PackageEntry(genuine.Entry.Name, genuine.Entry.Version, PackageFiles.Blob("User.Evil", 1000).Entry.Sha256, genuine.Entry.Length);
        var offer = new OfferPackage("tampered", "User.Tampered", [swapped]) { Signature = Trusted.Sign("User.Tampered", [genuine.Entry]) };

        var reply = await AdmissionCode.ExecutorOf(Sys, _executor).Ask<object>(offer, Timeout);

        Assert.Contains($"its signature by key {_trustedId} does not match its manifest", Assert.IsType<PackageRejected>(reply).Reason);
    }

    [Fact]
    public async Task Executor_must_check_the_signature_of_each_session_whatever_its_store_holds()
    {
        // A signed deploy caches the package.
        await using (var calculator = await RemoteHandle.DeployAsync(Sys, AdmissionCode.NewCalculator(), AdmissionCode.Interface))
        {
            Assert.Equal(2, calculator.Call("Add", 2));
        }

        var package = AdmissionCode.Package;
        Assert.Contains(await AdmissionCode.StoredAsync(_executor), e => e.Name == package.EntryAssembly);
        var executor = AdmissionCode.ExecutorOf(Sys, _executor);
        var client = CreateTestProbe();

        executor.Tell(AdmissionCode.OpenObject(package, client.Ref), client.Ref);
        var unsigned = await client.ExpectMsgAsync<SessionRefused>(Timeout);
        var otherManifest = Trusted.Sign(package.EntryAssembly, package.Entries.Take(package.Entries.Count - 1).Append(PackageFiles.Blob("User.Extra", 10).Entry).ToArray());
        executor.Tell(AdmissionCode.OpenObject(package, client.Ref, otherManifest), client.Ref);
        var misSigned = await client.ExpectMsgAsync<SessionRefused>(Timeout);

        Assert.Equal(RefusalReason.CodeRejected, unsigned.Reason);
        Assert.Contains($"refuses the unsigned package of {package.EntryAssembly}: akka-media.executor.admission.require-signature = on", unsigned.Message);
        Assert.Equal(RefusalReason.CodeRejected, misSigned.Reason);
        Assert.Contains("does not match its manifest", misSigned.Message);
    }

    [Fact]
    public async Task Executor_must_take_in_an_upload_only_the_entries_of_its_signed_offer()
    {
        var offered = PackageFiles.Blob("User.Offered", 1000);
        var smuggled = PackageFiles.Blob("User.Smuggled", 1000);
        var executor = AdmissionCode.ExecutorOf(Sys, _executor);
        var offer = new OfferPackage("smuggle", "User.Offered", [offered.Entry]) { Signature = Trusted.Sign("User.Offered", [offered.Entry]) };
        var chunks = await Akka.Streams.Dsl.Source.From(PackageFiles.Chunks(smuggled))
            .RunWith(Akka.Streams.Dsl.StreamRefs.SourceRef<PackageChunk>(), Akka.Streams.ActorMaterializer.Create(Sys));

        var needs = await executor.Ask<object>(offer, Timeout);
        var reply = await executor.Ask<object>(new UploadPackage("smuggle", [smuggled.Entry], chunks), Timeout);

        Assert.Equal([offered.Entry.Sha256], Assert.IsType<PackageNeeds>(needs).Missing);
        Assert.Contains($"User.Smuggled ({smuggled.Entry.Sha256}) is not in the signed manifest of its offer", Assert.IsType<PackageRejected>(reply).Reason);
        Assert.DoesNotContain(await AdmissionCode.StoredAsync(_executor), e => e.Name == "User.Smuggled");
    }

    [Fact]
    public async Task Executor_must_refuse_an_upload_that_no_signed_offer_admitted()
    {
        var blob = PackageFiles.Blob("User.NoOffer", 1000);
        var chunks = await Akka.Streams.Dsl.Source.From(PackageFiles.Chunks(blob))
            .RunWith(Akka.Streams.Dsl.StreamRefs.SourceRef<PackageChunk>(), Akka.Streams.ActorMaterializer.Create(Sys));

        var reply = await AdmissionCode.ExecutorOf(Sys, _executor).Ask<object>(new UploadPackage("no-offer", [blob.Entry], chunks), Timeout);

        Assert.Contains("require-signature = on and no signed offer of this upload was admitted", Assert.IsType<PackageRejected>(reply).Reason);
        Assert.DoesNotContain(await AdmissionCode.StoredAsync(_executor), e => e.Name == "User.NoOffer");
    }
}

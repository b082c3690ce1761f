using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Admission;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Frames;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Admission;

/// <summary>
/// An executor with <c>admission.require-role = code-shipper</c>, and a client member whose only role is <c>client</c>:
/// shipped code is refused naming the rule, registered node types are not.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class RoleAdmissionSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ShipperOnlyExecutor>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ShipperOnlyExecutor _executor;

    public RoleAdmissionSpec(ShipperOnlyExecutor executor, ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka.cluster.roles = [client]").WithFallback(executor.ClientConfig), "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    private string ClientAddress => ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString();

    [Fact]
    public async Task Executor_must_refuse_shipped_code_from_a_member_without_the_role()
    {
        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => RemoteHandle.DeployAsync(Sys, AdmissionCode.NewCalculator(), AdmissionCode.Interface));

        Assert.Contains($"Executor {_executor.Address} refuses shipped code from {ClientAddress}", error.Message);
        Assert.Contains("akka-media.executor.admission.require-role = code-shipper and that node's roles are [client]", error.Message);
        Assert.DoesNotContain(await AdmissionCode.StoredAsync(_executor), e => e.Name == "AdmitCalc");
        Assert.Equal(0, await _executor.ActiveSessionsAsync());
    }

    [Fact]
    public async Task Executor_must_refuse_code_it_cached_for_an_admitted_member_to_a_member_without_the_role()
    {
        // The executor's own node has the role: its upload is admitted and the package is cached.
        var package = AdmissionCode.Package;
        await PackageUploader.UploadAsync(_executor.System, _executor.Executor, package, Timeout);
        Assert.Contains(await AdmissionCode.StoredAsync(_executor), e => e.Name == "AdmitCalc");
        var executor = AdmissionCode.ExecutorOf(Sys, _executor);
        var client = CreateTestProbe();

        var offer = await executor.Ask<object>(new OfferPackage("offer-1", package.EntryAssembly, package.Entries), Timeout);
        executor.Tell(AdmissionCode.OpenObject(package, client.Ref), client.Ref);
        var refused = await client.ExpectMsgAsync<SessionRefused>(Timeout);

        Assert.Contains("require-role = code-shipper and that node's roles are [client]", Assert.IsType<PackageRejected>(offer).Reason);
        Assert.Equal(RefusalReason.CodeRejected, refused.Reason);
        Assert.Contains($"refuses shipped code from {ClientAddress}: akka-media.executor.admission.require-role = code-shipper", refused.Message);
        Assert.Equal(0, await _executor.ActiveSessionsAsync());
    }

    [Fact]
    public async Task Executor_must_refuse_an_upload_from_a_member_without_the_role_before_storing_any_byte()
    {
        var blob = Packages.PackageFiles.Blob("User.Unadmitted", 100_000);
        var chunks = await Source.From(Packages.PackageFiles.Chunks(blob)).RunWith(StreamRefs.SourceRef<PackageChunk>(), Sys.Materializer());

        var reply = await AdmissionCode.ExecutorOf(Sys, _executor).Ask<object>(new UploadPackage("upload-1", [blob.Entry], chunks), Timeout);

        Assert.Contains("require-role = code-shipper and that node's roles are [client]", Assert.IsType<PackageRejected>(reply).Reason);
        Assert.DoesNotContain(await AdmissionCode.StoredAsync(_executor), e => e.Name == "User.Unadmitted");
    }

    [Fact]
    public void Executor_must_refuse_shipped_code_sent_without_a_sender_whose_node_it_cannot_tell()
    {
        var admission = CodeAdmission.Create(_executor.System, AdmissionSettings.Create(_executor.System.Settings.Config));

        var refusal = admission.RoleRefusal(_executor.System.DeadLetters);

        Assert.Contains("refuses shipped code sent without a sender: akka-media.executor.admission.require-role = code-shipper", refusal);
        Assert.Null(admission.RoleRefusal(_executor.Executor));
    }

    [Fact]
    public async Task Registered_node_types_must_stay_open_to_members_without_the_role()
    {
        var frames = Enumerable.Range(0, 20).Select(i => TestRegistry.Frame(i)).ToList();

        var results = await Source.From(frames)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 2"))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer());

        Assert.Equal(frames.Select(f => f.Sequence), results.Select(f => f.Sequence));
    }
}

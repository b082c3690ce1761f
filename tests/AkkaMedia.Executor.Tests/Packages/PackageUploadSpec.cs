using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Deployment;
using Xunit.Abstractions;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Tests.Packages;

/// <summary>
/// Uploads between two actor systems over real loopback remoting: the spec's system is the client, a second one runs an
/// executor started by <see cref="MediaExecutor.Start"/> with its package store in a temporary folder. What the store
/// holds is checked on disk (<c>&lt;folder&gt;/&lt;sha256&gt;/&lt;name&gt;.dll</c>).
/// </summary>
public sealed class PackageUploadSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly Config Remoting = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp.hostname = 127.0.0.1
        akka.remote.dot-netty.tcp.port = 0
        """);

    private readonly PackageFiles _files = new();
    private readonly string _storeFolder;
    private readonly ActorSystem _executorSystem;
    private IActorRef _executor = ActorRefs.Nobody;

    public PackageUploadSpec(ITestOutputHelper output)
        : base(Remoting.WithFallback(AkkaMediaConfig.Default), output: output)
    {
        _storeFolder = _files.NewFolder("store");
        var executorConfig = ConfigurationFactory.ParseString($$"""
                akka-media.executor.link.enabled = off
                akka-media.executor.packages {
                  folder = "{{_storeFolder}}"
                  capacity = 8 MiB
                  max-package-bytes = 2 MiB
                  upload-idle-timeout = 2s
                  max-concurrent-uploads-per-client = 2
                }
                """)
            .WithFallback(Remoting)
            .WithFallback(ExecutorSettings.DefaultConfig);
        _executorSystem = MediaActorSystem.Create("media", executorConfig);
        MediaExecutor.Start(_executorSystem, TestRegistry.Create());
    }

    public async Task InitializeAsync()
    {
        var address = ((ExtendedActorSystem)_executorSystem).Provider.DefaultAddress;
        _executor = await Sys.ActorSelection($"{address}/user/{ExecutorActor.Name}").ResolveOne(Timeout);
    }

    public async Task DisposeAsync()
    {
        await _executorSystem.Terminate().WaitAsync(Timeout);
        _files.Dispose();
    }

    [Fact]
    public async Task Upload_must_send_only_what_the_executor_lacks()
    {
        var package = DependencyAnalyzer.Analyze(Path.Combine(PackageFiles.FixtureFolder, "DeployFixture.Plugin.dll"));
        var humanizer = package.Entries.Single(e => e.Name == "Humanizer");
        var humanizerOnly = new CodePackage("Humanizer", [(humanizer, Path.Combine(PackageFiles.FixtureFolder, "Humanizer.dll"))]);
        await PackageUploader.UploadAsync(Sys, _executor, humanizerOnly, Timeout);

        var result = await PackageUploader.UploadAsync(Sys, _executor, package, Timeout);

        var others = package.Entries.Where(e => e.Name != "Humanizer").ToArray();
        Assert.Equal(new PackageUploadResult(others.Length, others.Sum(e => e.Length)), result);
        AssertStored(package.Entries);
    }

    [Fact]
    public async Task A_second_upload_of_the_same_code_must_send_no_bytes()
    {
        var package = DependencyAnalyzer.Analyze(Path.Combine(PackageFiles.FixtureFolder, "DeployFixture.Plugin.dll"));

        var first = await PackageUploader.UploadAsync(Sys, _executor, package, Timeout);
        var second = await PackageUploader.UploadAsync(Sys, _executor, package, Timeout);

        Assert.Equal(new PackageUploadResult(package.Entries.Count, package.TotalBytes), first);
        Assert.Equal(new PackageUploadResult(0, 0), second);
        AssertStored(package.Entries);
    }

    [Fact]
    public async Task A_package_of_several_chunks_per_entry_must_arrive_intact()
    {
        var big = PackageFiles.Blob("User.Big", 1_000_000);
        var small = PackageFiles.Blob("User.Small", 3);
        var package = _files.Package(big, small);

        var result = await PackageUploader.UploadAsync(Sys, _executor, package, Timeout);

        Assert.Equal(new PackageUploadResult(2, 1_000_003), result);
        AssertStored(package.Entries);
    }

    [Fact]
    public async Task A_package_over_max_package_bytes_must_be_refused_from_its_manifest()
    {
        var a = PackageFiles.Blob("User.A", 1_500_000);
        var b = PackageFiles.Blob("User.B", 1_000_000);
        var offer = new OfferPackage("u-big", "User.A", [a.Entry, b.Entry]);

        var reply = await _executor.Ask<object>(offer, Timeout);
        var error = await Assert.ThrowsAsync<PackageRejectedException>(() => PackageUploader.UploadAsync(Sys, _executor, _files.Package(a, b), Timeout));

        Assert.Contains("2500000 bytes", Assert.IsType<PackageRejected>(reply).Reason);
        Assert.Contains("max-package-bytes", error.Message);
        Assert.Contains("User.A", error.Message);
        AssertNothingStored();
    }

    [Fact]
    public async Task A_client_streaming_more_than_it_declared_must_be_refused_while_its_stream_is_still_running()
    {
        var declared = PackageFiles.Blob("User.Small", 1_000);
        var endless = await Source.Repeat(new PackageChunk(0, new byte[PackageChunk.MaxBytes]))
            .RunWith(StreamRefs.SourceRef<PackageChunk>(), Sys.Materializer());

        var reply = await _executor.Ask<object>(new UploadPackage("u-liar", [declared.Entry], endless), Timeout);

        Assert.Contains("longer than its declared 1000 bytes", Assert.IsType<PackageRejected>(reply).Reason);
        AssertNothingStored();
    }

    [Fact]
    public async Task An_upload_listing_more_than_max_package_bytes_must_be_refused_without_reading_its_stream()
    {
        var a = PackageFiles.Blob("User.A", 1_500_000);
        var b = PackageFiles.Blob("User.B", 1_000_000);
        var (pulled, chunks) = await RunChunks(Source.From(PackageFiles.Chunks(a, b)));

        var reply = await _executor.Ask<object>(new UploadPackage("u-skip-offer", [a.Entry, b.Entry], chunks), Timeout);

        Assert.Contains("max-package-bytes", Assert.IsType<PackageRejected>(reply).Reason);
        Assert.True(Volatile.Read(ref pulled.Count) <= 1, $"{pulled.Count} chunks were pulled");
        AssertNothingStored();
    }

    [Fact]
    public async Task A_chunk_tampered_with_in_transit_must_reject_the_upload_and_cache_nothing()
    {
        var a = PackageFiles.Blob("User.A", 100_000);
        var b = PackageFiles.Blob("User.B", 300_000);
        var chunks = PackageFiles.Chunks(a, b).ToArray();
        var tampered = (byte[])chunks[4].Bytes.Clone();
        tampered[7] ^= 0x80;
        chunks[4] = chunks[4] with { Bytes = tampered };
        var (_, chunkRef) = await RunChunks(Source.From(chunks));

        var reply = await _executor.Ask<object>(new UploadPackage("u-tampered", [a.Entry, b.Entry], chunkRef), Timeout);

        var reason = Assert.IsType<PackageRejected>(reply).Reason;
        Assert.Contains("User.B", reason);
        Assert.Contains("SHA-256", reason);
        AssertNothingStored();
    }

    [Fact]
    public async Task A_truncated_upload_must_be_rejected_and_cache_nothing()
    {
        var a = PackageFiles.Blob("User.A", 300_000);
        var (_, chunkRef) = await RunChunks(Source.From(PackageFiles.Chunks(a).SkipLast(1)));

        var reply = await _executor.Ask<object>(new UploadPackage("u-cut", [a.Entry], chunkRef), Timeout);

        Assert.Contains("cut short", Assert.IsType<PackageRejected>(reply).Reason);
        AssertNothingStored();
    }

    [Fact]
    public async Task An_upload_that_stalls_must_be_abandoned_after_the_idle_timeout()
    {
        var a = PackageFiles.Blob("User.A", 300_000);
        var firstChunkOnly = Source.From(PackageFiles.Chunks(a).Take(1)).Concat(Source.Never<PackageChunk>());
        var (_, chunkRef) = await RunChunks(firstChunkOnly);

        var reply = await _executor.Ask<object>(new UploadPackage("u-stalled", [a.Entry], chunkRef), Timeout);

        Assert.Contains("no chunk arrived for 2 s", Assert.IsType<PackageRejected>(reply).Reason);
        AssertNothingStored();
    }

    [Fact]
    public async Task Two_concurrent_uploads_of_the_same_package_must_both_succeed_and_store_it_once()
    {
        var package = DependencyAnalyzer.Analyze(Path.Combine(PackageFiles.FixtureFolder, "DeployFixture.Plugin.dll"));

        var results = await Task.WhenAll(
            PackageUploader.UploadAsync(Sys, _executor, package, Timeout),
            PackageUploader.UploadAsync(Sys, _executor, package, Timeout));

        Assert.All(results, r => Assert.True(r.BytesSent is 0 || r.BytesSent == package.TotalBytes, r.ToString()));
        AssertStored(package.Entries);
        Assert.Equal(package.Entries.Count, Directory.GetDirectories(_storeFolder).Count(d => !Path.GetFileName(d).StartsWith('.')));
    }

    [Fact]
    public async Task An_upload_beyond_max_concurrent_uploads_per_client_must_be_refused_naming_the_key_until_one_ends()
    {
        var a = PackageFiles.Blob("User.A", 300_000);
        var stalled = Source.From(PackageFiles.Chunks(a).Take(1)).Concat(Source.Never<PackageChunk>());
        var (_, first) = await RunChunks(stalled);
        var (_, second) = await RunChunks(stalled);
        var (thirdPulled, third) = await RunChunks(Source.From(PackageFiles.Chunks(a)));

        // Two uploads of this client run (stalled after one chunk); the third is refused at once.
        var running = new[]
        {
            _executor.Ask<object>(new UploadPackage("u-running-1", [a.Entry], first), Timeout),
            _executor.Ask<object>(new UploadPackage("u-running-2", [a.Entry], second), Timeout),
        };
        var reply = await _executor.Ask<object>(new UploadPackage("u-third", [a.Entry], third), Timeout);

        var reason = Assert.IsType<PackageRejected>(reply).Reason;
        Assert.Contains("akka-media.executor.packages.max-concurrent-uploads-per-client = 2", reason);
        Assert.False(running.Any(r => r.IsCompleted), "the running uploads must still run when the third is refused");
        Assert.True(Volatile.Read(ref thirdPulled.Count) <= 1, $"{thirdPulled.Count} chunks of the refused upload were pulled");

        // Once they have ended (abandoned after the idle timeout), the client uploads again.
        Assert.All(await Task.WhenAll(running), r => Assert.IsType<PackageRejected>(r));
        var (_, again) = await RunChunks(Source.From(PackageFiles.Chunks(a)));
        var accepted = await _executor.Ask<object>(new UploadPackage("u-again", [a.Entry], again), Timeout);
        Assert.IsType<PackageUploaded>(accepted);
    }

    [Fact]
    public void Chunks_must_hold_at_most_64_KiB_and_concatenate_to_each_file()
    {
        var big = PackageFiles.Blob("User.Big", (3 * PackageChunk.MaxBytes) + 17);
        var exact = PackageFiles.Blob("User.Exact", PackageChunk.MaxBytes);
        var package = _files.Package(big, exact);

        var chunks = PackageUploader.Chunks(package, package.Entries).ToArray();

        Assert.All(chunks, c => Assert.InRange(c.Bytes.Length, 1, PackageChunk.MaxBytes));
        Assert.Equal(big.Bytes, chunks.Where(c => c.Entry == 0).SelectMany(c => c.Bytes));
        Assert.Equal(exact.Bytes, chunks.Where(c => c.Entry == 1).SelectMany(c => c.Bytes));
        Assert.Equal([0, 0, 0, 0, 1], chunks.Select(c => c.Entry));
    }

    private async Task<(PullCounter Pulled, ISourceRef<PackageChunk> Ref)> RunChunks(Source<PackageChunk, Akka.NotUsed> chunks)
    {
        var counter = new PullCounter();
        var chunkRef = await chunks.Select(c =>
            {
                Interlocked.Increment(ref counter.Count);
                return c;
            })
            .RunWith(StreamRefs.SourceRef<PackageChunk>(), Sys.Materializer());
        return (counter, chunkRef);
    }

    private void AssertStored(IEnumerable<PackageEntry> entries)
    {
        foreach (var entry in entries)
        {
            var path = Path.Combine(_storeFolder, entry.Sha256, entry.FileName);
            Assert.True(File.Exists(path), $"{entry.Name} is not in the store");
            Assert.Equal(entry.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
        }

        Assert.Empty(Directory.GetFiles(Path.Combine(_storeFolder, ".incoming")));
    }

    private void AssertNothingStored()
    {
        Assert.DoesNotContain(Directory.GetDirectories(_storeFolder), d => !Path.GetFileName(d).StartsWith('.'));
        AwaitAssert(() => Assert.Empty(Directory.GetFiles(Path.Combine(_storeFolder, ".incoming"))), Timeout);
    }

    private sealed class PullCounter
    {
        public int Count;
    }
}

using System.Security.Cryptography;
using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Tests.Packages;

public sealed class PackageStoreSpec : IDisposable
{
    private readonly PackageFiles _files = new();

    [Fact]
    public void Store_must_keep_a_verified_upload_under_its_hash_and_simple_name()
    {
        using var store = NewStore(capacity: 1 << 20);
        var a = PackageFiles.Blob("User.A", 150_000);
        var b = PackageFiles.Blob("User.B", 10);

        Upload(store, a, b);

        Assert.True(store.TryGetPath(a.Entry, out var pathA));
        Assert.Equal(Path.Combine(store.Folder, a.Entry.Sha256, "User.A.dll"), pathA);
        Assert.Equal(a.Bytes, File.ReadAllBytes(pathA));
        Assert.True(store.TryGetPath(b.Entry, out var pathB));
        Assert.Equal(b.Bytes, File.ReadAllBytes(pathB));
        Assert.Equal(150_010, store.SizeBytes);
        Assert.Empty(store.Missing([a.Entry, b.Entry]));
        Assert.Empty(Incoming(store));
    }

    [Fact]
    public void A_tampered_chunk_must_reject_the_upload_and_cache_nothing_of_it()
    {
        using var store = NewStore(capacity: 1 << 20);
        var good = PackageFiles.Blob("User.Good", 70_000);
        var victim = PackageFiles.Blob("User.Victim", 200_000);
        var chunks = PackageFiles.Chunks(good, victim).ToArray();
        var tampered = (byte[])chunks[3].Bytes.Clone();
        tampered[100] ^= 0x01;
        chunks[3] = chunks[3] with { Bytes = tampered };

        var error = Assert.Throws<PackageRejectedException>(() =>
        {
            using var upload = store.BeginUpload("u-tampered", [good.Entry, victim.Entry]);
            foreach (var chunk in chunks)
            {
                upload.Write(chunk);
            }

            upload.Complete();
        });

        Assert.Contains("User.Victim", error.Message);
        Assert.Contains("SHA-256", error.Message);
        Assert.False(store.TryGetPath(good.Entry, out _));
        Assert.False(store.TryGetPath(victim.Entry, out _));
        Assert.Empty(store.List());
        Assert.Equal(0, store.SizeBytes);
        Assert.Empty(Incoming(store));
        Upload(store, good, victim);
        Assert.Equal(2, store.List().Count);
    }

    [Fact]
    public void A_truncated_upload_must_be_rejected_at_its_end_and_cache_nothing()
    {
        using var store = NewStore(capacity: 1 << 20);
        var blob = PackageFiles.Blob("User.Cut", 200_000);
        var chunks = PackageFiles.Chunks(blob);

        var error = Assert.Throws<PackageRejectedException>(() =>
        {
            using var upload = store.BeginUpload("u-cut", [blob.Entry]);
            foreach (var chunk in chunks.SkipLast(1))
            {
                upload.Write(chunk);
            }

            upload.Complete();
        });

        Assert.Contains("cut short", error.Message);
        Assert.Empty(store.List());
        Assert.Empty(Incoming(store));
    }

    [Fact]
    public void Bytes_beyond_an_entry_s_declared_length_must_be_rejected_at_the_first_extra_chunk()
    {
        using var store = NewStore(capacity: 1 << 20);
        var blob = PackageFiles.Blob("User.Long", 1000);
        using var upload = store.BeginUpload("u-long", [blob.Entry]);
        upload.Write(new PackageChunk(0, blob.Bytes));

        var error = Assert.Throws<PackageRejectedException>(() => upload.Write(new PackageChunk(0, [1, 2, 3])));

        Assert.Contains("longer than its declared 1000 bytes", error.Message);
        upload.Dispose();
        Assert.Empty(store.List());
        Assert.Empty(Incoming(store));
    }

    [Fact]
    public void Chunks_out_of_order_must_be_rejected()
    {
        using var store = NewStore(capacity: 1 << 20);
        var a = PackageFiles.Blob("User.A", 10);
        var b = PackageFiles.Blob("User.B", 10);
        using var upload = store.BeginUpload("u-order", [a.Entry, b.Entry]);

        Assert.Throws<PackageRejectedException>(() => upload.Write(new PackageChunk(1, b.Bytes)));
    }

    [Fact]
    public void A_package_over_max_package_bytes_must_be_refused_before_any_byte()
    {
        using var store = NewStore(capacity: 1 << 20, maxPackageBytes: 100_000);
        var a = PackageFiles.Blob("User.A", 60_000);
        var b = PackageFiles.Blob("User.B", 60_000);

        var error = Assert.Throws<PackageRejectedException>(() => store.BeginUpload("u-big", [a.Entry, b.Entry]));

        Assert.Contains("120000 bytes", error.Message);
        Assert.Contains("max-package-bytes", error.Message);
        Assert.Empty(Incoming(store));
    }

    [Fact]
    public void Store_must_evict_the_least_recently_used_entries_to_stay_within_capacity()
    {
        using var store = NewStore(capacity: 3_000);
        var a = PackageFiles.Blob("User.A", 1_000);
        var b = PackageFiles.Blob("User.B", 1_000);
        var c = PackageFiles.Blob("User.C", 1_000);
        var d = PackageFiles.Blob("User.D", 1_000);
        Upload(store, a);
        Upload(store, b);
        Upload(store, c);
        Assert.True(store.TryGetPath(a.Entry, out _));

        Upload(store, d);

        Assert.Equal(["User.A", "User.C", "User.D"], store.List().Select(e => e.Name).Order());
        Assert.False(Directory.Exists(Path.Combine(store.Folder, b.Entry.Sha256)));
        Assert.Equal(3_000, store.SizeBytes);
        Assert.Equal("User.D", store.List()[0].Name);
    }

    [Fact]
    public void Leased_entries_must_never_be_evicted_and_an_upload_without_room_must_be_refused()
    {
        using var store = NewStore(capacity: 2_000);
        var a = PackageFiles.Blob("User.A", 1_000);
        var b = PackageFiles.Blob("User.B", 1_000);
        var c = PackageFiles.Blob("User.C", 1_000);
        Upload(store, a);
        Upload(store, b);
        using var leaseA = store.Lease([a.Entry]);
        var leaseB = store.Lease([b.Entry]);

        var full = Assert.Throws<PackageRejectedException>(() => store.BeginUpload("u-c", [c.Entry]));
        Assert.Contains("no room", full.Message);
        Assert.Equal(1, store.List().Single(e => e.Name == "User.B").Leases);

        leaseB.Dispose();
        leaseB.Dispose();
        Upload(store, c);

        Assert.Equal(["User.A", "User.C"], store.List().Select(e => e.Name).Order());
        Assert.True(store.TryGetPath(a.Entry, out var pathA));
        Assert.Equal(a.Bytes, File.ReadAllBytes(pathA));
    }

    [Fact]
    public void A_lease_must_also_pin_an_entry_that_arrives_after_it_was_taken()
    {
        using var store = NewStore(capacity: 2_000);
        var a = PackageFiles.Blob("User.A", 1_000);
        var b = PackageFiles.Blob("User.B", 1_000);
        var c = PackageFiles.Blob("User.C", 1_000);
        using var lease = store.Lease([a.Entry]);
        Upload(store, a);
        Upload(store, b);

        Upload(store, c);

        Assert.Equal(["User.A", "User.C"], store.List().Select(e => e.Name).Order());
    }

    [Fact]
    public void Two_uploads_of_the_same_entries_at_once_must_both_succeed_and_keep_one_copy()
    {
        using var store = NewStore(capacity: 1 << 20);
        var a = PackageFiles.Blob("User.A", 200_000);
        var b = PackageFiles.Blob("User.B", 100_000);
        var chunks = PackageFiles.Chunks(a, b);
        using var first = store.BeginUpload("u-1", [a.Entry, b.Entry]);
        using var second = store.BeginUpload("u-2", [a.Entry, b.Entry]);

        foreach (var chunk in chunks)
        {
            first.Write(chunk);
            second.Write(chunk);
        }

        second.Complete();
        first.Complete();

        Assert.Equal(2, store.List().Count);
        Assert.Equal(300_000, store.SizeBytes);
        foreach (var (entry, bytes) in new[] { a, b })
        {
            Assert.True(store.TryGetPath(entry, out var path));
            Assert.Equal(entry.Sha256, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
        }

        Assert.Empty(Incoming(store));
    }

    [Fact]
    public void A_reopened_store_must_keep_what_verifies_and_drop_what_does_not()
    {
        var folder = _files.NewFolder("store");
        var plugin = Real("DeployFixture.Plugin");
        var helper = Real("DeployFixture.Helper");
        using (var store = new PackageStore(folder, 1 << 22, 1 << 21))
        {
            Upload(store, plugin, helper);
            Assert.True(store.TryGetPath(helper.Entry, out var helperPath));
            var corrupted = File.ReadAllBytes(helperPath);
            corrupted[^1] ^= 0xFF;
            File.WriteAllBytes(helperPath, corrupted);
        }

        using var reopened = new PackageStore(folder, 1 << 22, 1 << 21);

        var kept = Assert.Single(reopened.List());
        Assert.Equal(("DeployFixture.Plugin", plugin.Entry.Sha256, plugin.Entry.Version), (kept.Name, kept.Sha256, kept.Version));
        Assert.True(reopened.TryGetPath(plugin.Entry, out _));
        Assert.False(reopened.TryGetPath(helper.Entry, out _));
        Assert.False(Directory.Exists(Path.Combine(folder, helper.Entry.Sha256)));
    }

    [Fact]
    public void A_native_library_must_be_kept_under_its_file_name_and_survive_a_reopened_store()
    {
        var folder = _files.NewFolder("store");
        var plugin = Real("DeployFixture.Plugin");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        "\u007fELF"u8.CopyTo(bytes);
        var native = new PackageEntry("libnative.so", "1.32.0", Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length, PackageEntryKind.NativeLibrary);
        var asAssembly = new PackageEntry("libnative.so", "1.32.0", native.Sha256, bytes.Length);
        using (var store = new PackageStore(folder, 1 << 22, 1 << 21))
        {
            Upload(store, plugin, (native, bytes));

            Assert.True(store.TryGetPath(native, out var path));
            Assert.Equal(Path.Combine(folder, native.Sha256, "libnative.so"), path);
            Assert.False(store.TryGetPath(asAssembly, out _));
        }

        using var reopened = new PackageStore(folder, 1 << 22, 1 << 21);

        Assert.Equal(["DeployFixture.Plugin", "libnative.so"], reopened.List().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.True(reopened.TryGetPath(native, out var again));
        Assert.Equal(bytes, File.ReadAllBytes(again));
        Assert.True(reopened.TryGetPath(plugin.Entry, out _));
    }

    [Fact]
    public void A_second_store_on_the_same_folder_must_fail_naming_the_setting_to_change()
    {
        var folder = _files.NewFolder("store");
        using var store = new PackageStore(folder, 1000, 1000);

        var error = Assert.Throws<InvalidOperationException>(() => new PackageStore(folder, 1000, 1000));

        Assert.Contains("akka-media.executor.packages.folder", error.Message);
    }

    [Theory]
    [InlineData(0, 1, "capacity")]
    [InlineData(1000, 0, "maxPackageBytes")]
    [InlineData(1000, 1001, "maxPackageBytes")]
    public void Store_must_reject_sizes_out_of_range(long capacity, long max, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new PackageStore(_files.NewFolder("store"), capacity, max));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Settings_must_read_sizes_with_units_and_name_a_bad_key()
    {
        var defaults = PackageStoreSettings.Create(Config.Empty);
        Assert.Equal((1L << 30, 64L << 20, TimeSpan.FromSeconds(10), string.Empty), (defaults.Capacity, defaults.MaxPackageBytes, defaults.UploadIdleTimeout, defaults.Folder));

        var custom = PackageStoreSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.packages { capacity = 10 MiB, max-package-bytes = 512 KiB, folder = /var/cache/x }"));
        Assert.Equal((10L << 20, 512L << 10, "/var/cache/x"), (custom.Capacity, custom.MaxPackageBytes, custom.Folder));

        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => PackageStoreSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.packages { capacity = 1 MiB, max-package-bytes = 2 MiB }")));
        Assert.Equal("akka-media.executor.packages.max-package-bytes", bad.ParamName);
    }

    [Fact]
    public void Settings_must_default_max_concurrent_uploads_per_client_to_4_and_refuse_0_naming_the_key()
    {
        Assert.Equal(4, PackageStoreSettings.Create(Config.Empty).MaxConcurrentUploadsPerClient);

        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => PackageStoreSettings.Create(ConfigurationFactory.ParseString("akka-media.executor.packages.max-concurrent-uploads-per-client = 0")));
        Assert.Equal("akka-media.executor.packages.max-concurrent-uploads-per-client", bad.ParamName);
    }

    [Fact]
    public async Task A_store_without_a_configured_folder_must_delete_its_temporary_folder_and_a_configured_one_must_stay()
    {
        using var system = Akka.Actor.ActorSystem.Create("store-spec", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var configured = _files.NewFolder("configured");
        var temporary = PackageStore.Create(PackageStoreSettings.Create(Config.Empty), system);
        var kept = PackageStore.Create(PackageStoreSettings.Create(ConfigurationFactory.ParseString($"akka-media.executor.packages.folder = \"{configured}\"")), system);
        Upload(temporary, PackageFiles.Blob("User.A", 10));
        Upload(kept, PackageFiles.Blob("User.A", 10));
        Assert.StartsWith(Path.GetTempPath(), temporary.Folder, StringComparison.Ordinal);

        temporary.Dispose();
        kept.Dispose();

        Assert.False(Directory.Exists(temporary.Folder));
        Assert.Single(Directory.GetDirectories(configured), d => !Path.GetFileName(d).StartsWith('.'));
        await system.Terminate();
    }

    public void Dispose() => _files.Dispose();

    private static (PackageEntry Entry, byte[] Bytes) Real(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(PackageFiles.FixtureFolder, name + ".dll"));
        var version = System.Reflection.AssemblyName.GetAssemblyName(Path.Combine(PackageFiles.FixtureFolder, name + ".dll")).Version!.ToString();
        return (new PackageEntry(name, version, Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length), bytes);
    }

    private static void Upload(PackageStore store, params (PackageEntry Entry, byte[] Bytes)[] blobs)
    {
        using var upload = store.BeginUpload(Guid.NewGuid().ToString("N"), blobs.Select(b => b.Entry).ToArray());
        foreach (var chunk in PackageFiles.Chunks(blobs))
        {
            upload.Write(chunk);
        }

        upload.Complete();
    }

    private static string[] Incoming(PackageStore store) => Directory.GetFiles(Path.Combine(store.Folder, ".incoming"));

    private PackageStore NewStore(long capacity, long? maxPackageBytes = null) =>
        new(_files.NewFolder("store"), capacity, maxPackageBytes ?? capacity);
}

using System.Security.Cryptography;
using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Admission;

namespace AkkaMedia.Host.Tests;

public sealed class KeyCommandSpec : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akkamedia-tests", Guid.NewGuid().ToString("N"), "keys");

    [Fact]
    public async Task Key_create_must_write_a_private_key_only_its_owner_reads_and_a_public_key_an_executor_trusts()
    {
        var (exitCode, stdout, stderr) = await HostInvocation.InvokeAsync("key", "create", "--out", _folder, "--name", "team-a");

        Assert.True(exitCode == 0, stderr);
        var privatePath = Path.Combine(_folder, "team-a.key");
        var publicPath = Path.Combine(_folder, "team-a.pub");
        FileModes.AssertOwnerOnly(privatePath);
        using var signer = ECDsa.Create();
        signer.ImportFromPem(await File.ReadAllTextAsync(privatePath));
        var trusted = Assert.Single(AdmissionSettings.Create(ConfigurationFactory.ParseString($"akka-media.executor.admission.trusted-keys = [\"{publicPath}\"]")).TrustedKeys);
        byte[] data = [1, 2, 3];
        Assert.True(trusted.Key.VerifyData(data, signer.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
        Assert.Equal(PackageSignature.KeyIdOf(signer.ExportSubjectPublicKeyInfo()), trusted.Id);
        Assert.Contains($"created {privatePath} (private signing key", stdout, StringComparison.Ordinal);
        Assert.Contains($"created {publicPath} (public key, id {trusted.Id}", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_existing_key_must_not_be_replaced_without_force_and_nothing_must_be_written()
    {
        await HostInvocation.InvokeAsync("key", "create", "--out", _folder, "--name", "a");
        var before = await File.ReadAllBytesAsync(Path.Combine(_folder, "a.key"));

        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("key", "create", "--out", _folder, "--name", "a");
        var (forcedCode, _, forcedError) = await HostInvocation.InvokeAsync("key", "create", "--out", _folder, "--name", "a", "--force");

        Assert.Equal(2, exitCode);
        Assert.Contains("a.key, " + Path.Combine(_folder, "a.pub") + " already exist", stderr, StringComparison.Ordinal);
        Assert.Contains("--force", stderr, StringComparison.Ordinal);
        Assert.True(forcedCode == 0, forcedError);
        Assert.NotEqual(before, await File.ReadAllBytesAsync(Path.Combine(_folder, "a.key")));
        FileModes.AssertOwnerOnly(Path.Combine(_folder, "a.key"));
    }

    [Fact]
    public async Task A_name_that_is_not_a_plain_file_name_must_be_refused_with_exit_code_2()
    {
        var (exitCode, _, stderr) = await HostInvocation.InvokeAsync("key", "create", "--out", _folder, "--name", "../escape");

        Assert.Equal(2, exitCode);
        Assert.Contains("--name: '../escape' is not a plain name", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder));
    }

    public void Dispose()
    {
        var root = Path.GetDirectoryName(_folder)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

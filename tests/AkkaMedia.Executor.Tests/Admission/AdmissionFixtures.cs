using System.Reflection;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Protocol;
using AkkaMedia.TestKit;

namespace AkkaMedia.Executor.Tests.Admission;

/// <summary>
/// Signing key pairs written as <c>akkamedia key create</c> writes them (NAME.key: PKCS#8 PEM, NAME.pub:
/// SubjectPublicKeyInfo PEM), in a temporary folder of the test process.
/// </summary>
public static class SigningKeys
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "akka-media-keys", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    });

    private static readonly Lazy<(string Private, string Public)> TrustedPair = new(() => Create("trusted"));

    /// <summary>The private key file of the key that <see cref="SignedOnlyExecutor"/> trusts.</summary>
    public static string TrustedPrivate => TrustedPair.Value.Private;

    /// <summary>The public key file of the key that <see cref="SignedOnlyExecutor"/> trusts.</summary>
    public static string TrustedPublic => TrustedPair.Value.Public;

    /// <summary>A new key pair named <paramref name="name"/>; returns the paths of its files.</summary>
    public static (string Private, string Public) Create(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var folder = Path.Combine(Root.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var privatePath = Path.Combine(folder, name + ".key");
        var publicPath = Path.Combine(folder, name + ".pub");
        File.WriteAllText(privatePath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem());
        return (privatePath, publicPath);
    }

    /// <summary>The id executors give the public key in <paramref name="publicPath"/>.</summary>
    public static string IdOf(string publicPath)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(publicPath));
        return PackageSignature.KeyIdOf(key.ExportSubjectPublicKeyInfo());
    }
}

/// <summary>An executor that takes shipped code only from members with the role <c>code-shipper</c> (which it has itself).</summary>
public sealed class ShipperOnlyExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("""
    akka.cluster.roles = [executor, code-shipper]
    akka-media.executor.max-sessions = 8
    akka-media.executor.admission.require-role = code-shipper
    """));

/// <summary>An executor that loads shipped code only when its manifest is signed by <see cref="SigningKeys.TrustedPublic"/>.</summary>
public sealed class SignedOnlyExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString($$"""
    akka-media.executor.max-sessions = 8
    akka-media.executor.admission {
      require-signature = on
      trusted-keys = ["{{SigningKeys.TrustedPublic}}"]
    }
    """));

/// <summary>The user code the admission specs ship, and direct requests to an executor as a client would send them.</summary>
internal static class AdmissionCode
{
    public const string Interface = "ICalculator";

    // An assembly name of its own: DispatchProxy keeps one proxy per interface name and assembly name in the process,
    // so another spec's UserCalc loaded into another context would collide with it.
    private static readonly Lazy<Assembly> Calculator = new(() => UserCode.Load("AdmitCalc", """
        namespace AdmitCalc
        {
            public interface ICalculator { int Add(int value); }
            public sealed class Calculator : ICalculator
            {
                private int _total;
                public int Add(int value) { _total += value; return _total; }
            }
        }
        """));

    public static object NewCalculator() => UserCode.Create(Calculator.Value, "AdmitCalc.Calculator");

    /// <summary>The package a deploy of <see cref="NewCalculator"/> ships.</summary>
    public static CodePackage Package => DependencyAnalyzer.AnalyzeCached(Calculator.Value);

    /// <summary>The executor actor of <paramref name="executor"/> as <paramref name="client"/> addresses it over remoting.</summary>
    public static ActorSelection ExecutorOf(ActorSystem client, ExecutorFixture executor) =>
        client.ActorSelection(executor.Address + "/user/" + ExecutorActor.Name);

    /// <summary>An object session request for <paramref name="package"/> (the object's bytes are never read when it is refused).</summary>
    public static OpenObjectSession OpenObject(CodePackage package, IActorRef client, PackageSignature? signature = null) =>
        new(Guid.NewGuid().ToString("N"), package.EntryAssembly, package.Entries, [1, 2, 3], TimeSpan.Zero, client) { Signature = signature };

    /// <summary>The assemblies the executor's package store holds now.</summary>
    public static async Task<IReadOnlyList<PackageStoreEntry>> StoredAsync(ExecutorFixture executor) =>
        await executor.Executor.Ask<IReadOnlyList<PackageStoreEntry>>(ExecutorActor.ListPackages.Instance, TimeSpan.FromSeconds(5));
}

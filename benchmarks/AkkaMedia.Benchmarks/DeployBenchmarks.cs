using Akka.Actor;
using AkkaMedia.Nodes;
using AkkaMedia.TestKit;
using BenchmarkDotNet.Attributes;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// Deploy round trip of a user object with a ~1 MB closure to an executor over real loopback remoting
/// (executor and client are two actor systems of this process, joined in a cluster): deploy, one call,
/// dispose. Targets: warm (the executor's package store holds the code) ≤ 20 ms, cold (it does not)
/// ≤ 150 ms.
/// </summary>
/// <remarks>
/// <para>The user code is compiled with Roslyn at setup into a temporary folder and loaded from there:
/// this assembly does not reference it and the executor has never seen it. It is one assembly of
/// about 1 MB, almost all of it an embedded resource of random bytes, so the closure the client
/// uploads is that one file.</para>
/// <para><see cref="ColdDeploy"/> gets a new variant per invocation (another assembly name, another
/// constant in the code, other random bytes in the resource), compiled and loaded in the iteration setup, outside the
/// measurement. So a cold deploy measures: analysing and hashing the closure on the client, the offer,
/// the upload of all its bytes in 64 KiB chunks, verifying and caching them on the executor's disk,
/// the sandbox check, a new load context, loading and deserializing the object, JIT of the user's
/// method, the call, and the end of the session. The SDK's own code is already compiled (warm-up
/// deploys run first).</para>
/// <para>Each invocation is one round trip (the cold one cannot be repeated without a new variant),
/// so times include the timer's resolution but no batching.</para>
/// </remarks>
[MemoryDiagnoser]
[MinColumn, MedianColumn, MaxColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 30)]
[InvocationCount(1)]
public class DeployBenchmarks
{
    private const string Contract = "UserDeploy.IPayload";
    private const int ResourceBytes = 1_000_000;
    private const int Argument = 1_000;

    private ExecutorFixture _executor = null!;
    private ActorSystem _client = null!;
    private DeployRoundTrip _warm = null!;
    private DeployRoundTrip _cold = null!;
    private int _variant;

    [GlobalSetup]
    public void Setup()
    {
        _executor = new ExecutorFixture(BuiltInNodes.CreateRegistry());
        _client = _executor.CreateClient();
        _executor.WaitForExecutorAsync(_client).GetAwaiter().GetResult();
        _warm = Compile(0);
        Check(_warm.RunAsync(_client, Argument).GetAwaiter().GetResult(), 0);
    }

    [IterationSetup(Target = nameof(ColdDeploy))]
    public void NewVariant() => _cold = Compile(++_variant);

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Terminate().Wait(TimeSpan.FromSeconds(20));
        _executor.Dispose();
        UserAssembly.DeleteAll();
    }

    [Benchmark(Baseline = true)]
    public async Task WarmDeploy() => Check(await _warm.RunAsync(_client, Argument), 0);

    [Benchmark]
    public async Task ColdDeploy() => Check(await _cold.RunAsync(_client, Argument), _variant);

    private static DeployRoundTrip Compile(int variant)
    {
        var resource = new byte[ResourceBytes];
        new Random(variant).NextBytes(resource);
        // A name per variant: the client's proxy generator (DispatchProxy) binds interfaces by assembly name,
        // so two loaded assemblies of one name could not both be called in this process.
        var assembly = UserAssembly.Compile("UserDeploy" + variant.ToString(System.Globalization.CultureInfo.InvariantCulture), Source(variant), resource);
        return DeployRoundTrip.For(Activator.CreateInstance(assembly.GetType("UserDeploy.Payload", throwOnError: true)!)!, Contract);
    }

    private static void Check(int result, int variant)
    {
        if (result != Argument + variant)
        {
            throw new InvalidOperationException($"The remote object of variant {variant} returned {result}, not {Argument + variant}.");
        }
    }

    private static string Source(int variant) => """
        using System.Threading.Tasks;

        namespace UserDeploy
        {
            public interface IPayload
            {
                Task<int> PingAsync(int x);
            }

            public sealed class Payload : IPayload
            {
                private int _calls;

                public Task<int> PingAsync(int x)
                {
                    _calls++;
                    return Task.FromResult(x + VARIANT);
                }
            }
        }
        """.Replace("VARIANT", variant.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// Real libraries deployed end to end, as a user deploys them: remote objects over MathNet.Numerics, Humanizer.Core and
/// ONNX Runtime (its native library shipped in the package), and MathNet's FFT as a shipped node, on an executor with
/// process isolation (<see cref="WorkerLibraryExecutor"/>): each runs in a sandboxed worker process of its session.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class RealLibraryDeploySpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<WorkerLibraryExecutor>
{
    public RealLibraryDeploySpec(WorkerLibraryExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Isolation.IsolationFact(NeedsCgroups = true)]
    public async Task A_MathNet_FFT_object_must_deploy_and_answer()
    {
        var fft = UserCode.Create(FixtureCode.Load("RealLibrary.Fft"), "RealLibrary.Fft.FftPeak");
        float[] samples = [.. Enumerable.Range(0, 256).Select(static i => MathF.Sin(2 * MathF.PI * 20 * i / 256))];

        await using var remote = await RemoteHandle.DeployAsync(Sys, fft, "IFftPeak");

        Assert.Equal(20, remote.Call("PeakBin", samples));
    }

    [Isolation.IsolationFact(NeedsCgroups = true)]
    public async Task A_Humanizer_object_must_deploy_and_answer()
    {
        var humanize = UserCode.Create(FixtureCode.Load("RealLibrary.Humanize"), "RealLibrary.Humanize.Humanized");

        await using var remote = await RemoteHandle.DeployAsync(Sys, humanize, "IHumanize");

        Assert.Equal("forty-two", remote.Call("Words", 42));
        Assert.Equal("1 day, 3 hours", remote.Call("Duration", TimeSpan.FromHours(27)));
    }

    [Isolation.IsolationFact(NeedsCgroups = true)]
    public async Task An_ONNX_Runtime_object_must_deploy_with_its_native_library_and_run_its_own_model()
    {
        var adder = UserCode.Create(FixtureCode.Load("RealLibrary.Onnx"), "RealLibrary.Onnx.OnnxAdder");

        await using var remote = await RemoteHandle.DeployAsync(Sys, adder, "IOnnxAdder");

        Assert.Equal([1.5f, 2.5f, 3.5f, 4.5f], (float[])remote.Call("Add", new float[] { 1, 2, 3, 4 }, new float[] { 0.5f, 0.5f, 0.5f, 0.5f })!);
    }

    [Isolation.IsolationFact(NeedsCgroups = true)]
    public async Task A_MathNet_FFT_node_must_ship_and_stream()
    {
        var node = (Node<AudioFrame, double>)UserCode.Create(FixtureCode.Load("RealLibrary.Fft"), "RealLibrary.Fft.FftPeakNode");
        var frames = Enumerable.Range(1, 5)
            .Select(k => AudioFrame.Copy([.. Enumerable.Range(0, 480).Select(i => MathF.Sin(2 * MathF.PI * k * 10 * i / 480))], sampleRate: 48_000, channels: 1, sequence: k))
            .ToList();

        var peaks = await Source.From(frames).Via(RemoteObject.Flow(node)).RunWith(Sink.Seq<double>(), Sys.Materializer());

        Assert.Equal([1000.0, 2000.0, 3000.0, 4000.0, 5000.0], peaks);
    }
}

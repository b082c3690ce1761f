using System.Net.Sockets;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>A worker process on its own, driven by the spec as its executor: it never outlives the executor's socket.</summary>
public sealed class WorkerHostSpec : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("akka-media-worker-spec-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_warm_worker_must_report_ready_and_exit_when_its_executor_closes_the_socket(bool warmUpStream)
    {
        var path = Path.Combine(_folder, "link.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        using var launcher = WorkerLauncher.Create();
        string[] arguments = warmUpStream ? ["--socket", path, WorkerHost.WarmUpStreamOption] : ["--socket", path];
        using var worker = launcher.Start(new WorkerStartInfo("spec-worker", arguments, [], [_folder]));
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            using (var socket = await listener.AcceptAsync(cancel.Token))
            {
                var (kind, payload) = await WorkerFrames.ReadAsync(socket, cancel.Token);
                Assert.Equal(WorkerFrames.Ready, kind);
                Assert.Empty(payload);
            }

            var exit = await worker.Exited.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, exit.ExitCode);
            Assert.Null(exit.Reason);
        }
        finally
        {
            // Whatever happened above, no worker outlives the spec (a no-op once it has exited).
            worker.Kill(WorkerKillReason.SessionEnded, "The spec has ended.");
        }
    }

    [Fact]
    public async Task A_worker_given_an_option_it_does_not_know_must_exit_with_its_usage_code_without_connecting()
    {
        var path = Path.Combine(_folder, "link.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        using var launcher = WorkerLauncher.Create();
        using var worker = launcher.Start(new WorkerStartInfo("spec-worker", ["--socket", path, "--warm-up-everything"], [], [_folder]));
        try
        {
            var exit = await worker.Exited.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(2, exit.ExitCode);
            Assert.False(listener.Poll(0, SelectMode.SelectRead), "The worker connected although its command line was wrong.");
        }
        finally
        {
            worker.Kill(WorkerKillReason.SessionEnded, "The spec has ended.");
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

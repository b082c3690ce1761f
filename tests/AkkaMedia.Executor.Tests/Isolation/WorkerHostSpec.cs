using System.Net.Sockets;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>A worker process on its own, driven by the spec as its executor: it never outlives the executor's socket.</summary>
public sealed class WorkerHostSpec : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("akka-media-worker-spec-").FullName;

    [Fact]
    public async Task A_warm_worker_must_report_ready_and_exit_when_its_executor_closes_the_socket()
    {
        var path = Path.Combine(_folder, "link.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        using var launcher = WorkerLauncher.Create();
        using var worker = launcher.Start(new WorkerStartInfo("spec-worker", ["--socket", path], [], [_folder]));
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

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Akka.Event;
using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// What a worker under bubblewrap can reach, observed from inside by shell scripts run through the launcher's command
/// seam: each script writes what it saw to its scratch folder (the one writable host folder) and exits.
/// </summary>
public sealed class WorkerSandboxSpec : IDisposable
{
    private readonly IsolatedWorkers _workers = new();

    public void Dispose() => _workers.Dispose();

    [IsolationFact]
    public async Task A_worker_must_have_no_network_but_its_own_loopback()
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var hostAddress = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
        var scratch = _workers.Folder("scratch");
        var script = $$"""
            cut -d: -f1 /proc/net/dev | tail -n +3 | tr -d ' ' > {{scratch}}/interfaces
            for address in 127.0.0.1 {{hostAddress}}; do
              if bash -c "echo hi > /dev/tcp/$address/{{port}}" 2>/dev/null; then echo "$address connected"; else echo "$address refused"; fi
            done > {{scratch}}/connect
            """;

        var exit = await IsolatedWorkers.Ended(_workers.Shell(Launcher(), script, writable: [scratch]));

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(["lo"], File.ReadAllLines(Path.Combine(scratch, "interfaces")));
        Assert.Equal([$"127.0.0.1 refused", $"{hostAddress} refused"], File.ReadAllLines(Path.Combine(scratch, "connect")));
        Assert.False(listener.Pending(), "the host's listener was reached from inside the sandbox");

        // The same script without the sandbox does reach the listener: the spec can tell the difference.
        var control = _workers.Folder("control");
        var unconfined = WorkerLauncher.Create(IsolatedWorkers.Settings("sandbox = none"), NoLogger.Instance);
        await IsolatedWorkers.Ended(_workers.Shell(unconfined, script.Replace(scratch, control, StringComparison.Ordinal), writable: [control]));
        Assert.Contains("127.0.0.1 connected", File.ReadAllLines(Path.Combine(control, "connect")));
    }

    [IsolationFact]
    public async Task A_worker_must_see_only_the_processes_of_its_own_pid_namespace()
    {
        var scratch = _workers.Folder("scratch");

        var exit = await IsolatedWorkers.Ended(_workers.Shell(Launcher(), $"echo $$ > {scratch}/self; ls /proc | grep -E '^[0-9]+$' > {scratch}/pids", writable: [scratch]));

        Assert.Equal(0, exit.ExitCode);
        var pids = File.ReadAllLines(Path.Combine(scratch, "pids")).Select(int.Parse).ToArray();
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.All(pids, pid => Assert.True(pid < 16, $"pid {pid} inside the sandbox: the host's processes are visible"));
        Assert.True(int.Parse(File.ReadAllText(Path.Combine(scratch, "self"))) < 16);
    }

    [IsolationFact]
    public async Task A_worker_must_write_only_its_scratch_folder_and_its_private_tmp()
    {
        var scratch = _workers.Folder("scratch");
        var package = _workers.Folder("package");
        File.WriteAllText(Path.Combine(package, "model.bin"), "weights");
        var marker = "akka-media-spec-private-" + Guid.NewGuid().ToString("N");
        var script = $$"""
            for target in /usr/x /etc/x /x {{package}}/x {{Path.GetDirectoryName(TestWorkerProgram.Path)}}/x /tmp/{{marker}} {{scratch}}/x; do
              if touch "$target" 2>/dev/null; then echo "$target written"; else echo "$target refused"; fi
            done > {{scratch}}/writes
            cat {{package}}/model.bin > {{scratch}}/read
            """;

        var exit = await IsolatedWorkers.Ended(_workers.Shell(Launcher(), script, readOnly: [package], writable: [scratch]));

        Assert.Equal(0, exit.ExitCode);
        Assert.Equal(
            [
                "/usr/x refused", "/etc/x refused", "/x refused", $"{package}/x refused", $"{Path.GetDirectoryName(TestWorkerProgram.Path)}/x refused",
                $"/tmp/{marker} written", $"{scratch}/x written",
            ],
            File.ReadAllLines(Path.Combine(scratch, "writes")));
        Assert.Equal("weights", File.ReadAllText(Path.Combine(scratch, "read")));
        Assert.False(File.Exists(Path.Combine("/tmp", marker)), "the worker's /tmp is the host's");
        Assert.False(File.Exists(Path.Combine(package, "x")));
    }

    [IsolationFact]
    public async Task A_worker_must_not_see_host_files_that_are_not_bound_nor_the_executors_environment()
    {
        var scratch = _workers.Folder("scratch");
        var secret = _workers.Folder("secret");
        File.WriteAllText(Path.Combine(secret, "key"), "s3cr3t");
        var variable = "AKKA_MEDIA_SPEC_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var readme = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../README.md"));
        Assert.True(File.Exists(readme), readme);
        Environment.SetEnvironmentVariable(variable, "s3cr3t");
        try
        {
            var script = $$"""
                for path in {{secret}}/key {{secret}} /root /home {{readme}} {{AppContext.BaseDirectory}} /etc/passwd /etc/hostname /sys/fs/cgroup; do
                  if [ -e "$path" ]; then echo "$path visible"; else echo "$path invisible"; fi
                done > {{scratch}}/files
                env > {{scratch}}/env
                """;

            var exit = await IsolatedWorkers.Ended(_workers.Shell(Launcher(), script, writable: [scratch]));

            Assert.Equal(0, exit.ExitCode);
            Assert.All(File.ReadAllLines(Path.Combine(scratch, "files")), line => Assert.EndsWith(" invisible", line));
            var environment = File.ReadAllLines(Path.Combine(scratch, "env"));
            Assert.DoesNotContain(environment, line => line.Contains("s3cr3t", StringComparison.Ordinal));
            Assert.Contains("HOME=/tmp", environment);
            Assert.Contains(environment, line => line.StartsWith("DOTNET_GCHeapHardLimit=0x", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [IsolationFact]
    public async Task A_dotnet_worker_must_run_inside_the_sandbox()
    {
        var launcher = Launcher();

        var exit = await IsolatedWorkers.Ended(_workers.Keep(launcher.Start(new WorkerStartInfo(IsolatedWorkers.NewId(), ["hello"], [], []))));

        Assert.Equal(0, exit.ExitCode);
        Assert.Null(exit.Reason);
    }

    [IsolationFact]
    public async Task A_dotnet_worker_must_reach_a_unix_socket_in_a_folder_bound_for_it()
    {
        // The way a worker talks to its executor: a socket file in a writable folder (an abstract socket would not do:
        // those live in the network namespace the worker does not share).
        var folder = _workers.Folder("channel");
        var path = Path.Combine(folder, "worker.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        _workers.User?.Own(path); // as SessionWorker gives a worker its socket
        var accepted = listener.AcceptAsync();

        var exit = await IsolatedWorkers.Ended(_workers.Keep(Launcher().Start(new WorkerStartInfo(IsolatedWorkers.NewId(), ["connect", path], [], [folder]))));
        Assert.Equal(0, exit.ExitCode);
        using var connection = await accepted;
        var buffer = new byte[64];
        var read = await connection.ReceiveAsync(buffer);

        Assert.Equal("hello from the sandbox", System.Text.Encoding.UTF8.GetString(buffer, 0, read));
    }

    private static WorkerLauncher Launcher() => WorkerLauncher.Create(IsolatedWorkers.Settings(), NoLogger.Instance);
}

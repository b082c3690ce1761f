using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.Executor.Tests.Durable;

/// <summary>
/// A PostgreSQL server of the spec's own: a fresh data folder under the temp folder, on a free loopback port, trust
/// authentication for the user <c>media</c>, database <c>media</c>. Started from the Debian package's binaries
/// (<c>apt-get install postgresql</c>, as .ci/run does); as root, the server runs as the package's <c>postgres</c> user
/// (PostgreSQL refuses root). Stopped (immediate) and deleted on dispose.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "akka-media-postgres-" + Guid.NewGuid().ToString("N"));
    private string? _bin;

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; } = FreePort();

    /// <summary>An Npgsql connection string to the <c>media</c> database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Database=media;Username=media;Pooling=true";

    private string Data => Path.Combine(_folder, "data");

    public async Task InitializeAsync()
    {
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb")))
            : null;
        if (_bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql, as .ci/run does.");
        }

        Directory.CreateDirectory(_folder);
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "postgres", _folder);
        }

        await RunServerToolAsync("initdb", "-D", Data, "-A", "trust", "-U", "media", "--no-sync");
        await RunServerToolAsync("pg_ctl", "-D", Data, "-w", "-t", "60", "-l", Path.Combine(_folder, "server.log"),
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        await RunServerToolAsync("createdb", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "media", "media");
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_bin is not null && Directory.Exists(Data))
            {
                await RunServerToolAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
            }
        }
        finally
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    private Task RunServerToolAsync(string tool, params string[] args) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin!, tool), .. args])
            : RunAsync(Path.Combine(_bin!, tool), args);

    private static async Task RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

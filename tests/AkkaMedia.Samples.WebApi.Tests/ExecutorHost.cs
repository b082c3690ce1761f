using System.Globalization;
using Akka.Hosting;
using AkkaMedia.Hosting;
using Microsoft.Extensions.Hosting;

namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary>
/// An executor node in this process, registered the Akka.Hosting way (<c>WithAkkaMediaExecutor</c>) in a generic host:
/// the first member of its own cluster on a free loopback port, reached by the app over real Akka.Remote. Disposing
/// stops the host, and with it the node.
/// </summary>
internal sealed class ExecutorHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ExecutorHost(IHost host, int port)
    {
        _host = host;
        Seed = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
    }

    /// <summary>The seed to give the app: <c>127.0.0.1:port</c>.</summary>
    public string Seed { get; }

    /// <summary>The node's address, as the app lists it.</summary>
    public string Address => $"akka.tcp://media@{Seed}";

    /// <summary>Starts the node; it is a member of its cluster when this completes.</summary>
    public static async Task<ExecutorHost> StartAsync()
    {
        var port = LoopbackPort.Free();
        var host = Host.CreateDefaultBuilder()
            .ConfigureServices(services => services.AddAkka("media", akka => akka.WithAkkaMediaExecutor(
                new AkkaMediaExecutorOptions { Hostname = "127.0.0.1", Port = port, Seeds = [$"127.0.0.1:{port}"] })))
            .Build();
        try
        {
            await host.StartAsync();
            return new ExecutorHost(host, port);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            _host.Dispose();
        }
    }
}

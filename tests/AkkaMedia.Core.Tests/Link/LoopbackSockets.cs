using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Core.Tests.Link;

/// <summary>Connected TCP sockets on loopback, for specs that run a link over a real socket.</summary>
internal static class LoopbackSockets
{
    /// <summary>Two connected ends: the one that connected and the one that accepted.</summary>
    public static async Task<(Socket Client, Socket Server)> PairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        return (client, await accept);
    }

    /// <summary>
    /// Two media links of <paramref name="system"/> over a fresh pair: the client's end and the executor's, not started
    /// (register channels first), probing every second and patient for 30 s.
    /// </summary>
    public static async Task<(MediaLink Client, MediaLink Executor)> LinksAsync(ActorSystem system)
    {
        var (client, executor) = await PairAsync();
        var extended = (ExtendedActorSystem)system;
        return (
            new MediaLink(client, extended, "executor", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)),
            new MediaLink(executor, extended, "client", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)));
    }
}

using System.Net;
using System.Net.Sockets;

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
}

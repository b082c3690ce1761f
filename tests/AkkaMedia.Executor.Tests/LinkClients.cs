using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Tests;

/// <summary>A spec's end of a media link: a raw socket to a link server, or a started <see cref="MediaLink"/> over one.</summary>
internal static class LinkClients
{
    /// <summary>A started link from <paramref name="system"/> to <paramref name="endpoint"/> (probes every 200 ms, 30 s of silence allowed); the caller disposes it.</summary>
    public static async Task<MediaLink> ConnectAsync(ActorSystem system, string endpoint)
    {
        var link = new MediaLink(await ConnectSocketAsync(endpoint), (ExtendedActorSystem)system, "executor", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
        link.Start();
        return link;
    }

    /// <summary>A socket connected to <paramref name="endpoint"/> (<c>host:port</c>); the caller disposes it.</summary>
    public static async Task<Socket> ConnectSocketAsync(string endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPEndPoint.Parse(endpoint));
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

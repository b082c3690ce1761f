using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>Free TCP ports on 127.0.0.1 for processes that need a port known in advance.</summary>
internal static class LoopbackPort
{
    /// <summary>A port nothing listens on right now (the system's choice for an ephemeral listener).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Sockets;

namespace AkkaMedia.Samples.WebApi.Tests;

/// <summary>Free TCP ports on the loopback interface.</summary>
internal static class LoopbackPort
{
    /// <summary>A port nothing listens on at the moment of the call.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

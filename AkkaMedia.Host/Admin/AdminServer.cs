using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Security;

namespace AkkaMedia.Host.Admin;

/// <summary>
/// The admin command server of a node: a TCP listener speaking <see cref="AdminProtocol"/>, one command per
/// connection, many connections at once. A connection that has not sent its request line within
/// <see cref="AdminSettings.IdleTimeout"/>, or sends one longer than <see cref="AdminProtocol.MaxRequestBytes"/>, is
/// closed; a wrong token is refused. With <see cref="TlsSettings"/> on, a connection is served only after a TLS handshake
/// in which the client showed a certificate the cluster's CA signed. Disposing stops listening and ends running commands
/// (tails).
/// </summary>
internal sealed class AdminServer : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly AdminSettings _settings;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly byte[] _token;
    private readonly TlsSettings _tls;
    private readonly Task _accepting;
    private int _connections;

    private AdminServer(ActorSystem system, AdminSettings settings, TcpListener listener)
    {
        _system = system;
        _settings = settings;
        _listener = listener;
        _token = Encoding.UTF8.GetBytes(settings.Token);
        _tls = TlsSettings.For(system);
        Endpoint = (IPEndPoint)listener.LocalEndpoint;
        _accepting = AcceptAsync();
    }

    /// <summary>Where the server listens (the actual port when 0 was asked).</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>Starts serving the admin commands of <paramref name="system"/>.</summary>
    /// <exception cref="InvalidOperationException">The address cannot be listened on (port in use, unknown host); the message names it and how to choose another.</exception>
    public static AdminServer Start(ActorSystem system, AdminSettings settings)
    {
        IPAddress address;
        try
        {
            address = IPAddress.TryParse(settings.Hostname, out var parsed) ? parsed : Dns.GetHostAddresses(settings.Hostname)[0];
        }
        catch (Exception e) when (e is SocketException or IndexOutOfRangeException)
        {
            throw new InvalidOperationException($"Admin server: cannot resolve akka-media.admin.hostname '{settings.Hostname}'.", e);
        }

        var listener = new TcpListener(address, settings.Port);
        try
        {
            listener.Start();
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException(
                $"Admin server cannot listen on {settings.Hostname}:{settings.Port}: {e.Message}. Choose another port with --admin-port (0 = any free port).", e);
        }

        return new AdminServer(system, settings, listener);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        await _accepting.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>
    /// A logger at the node's current level: Akka.NET loggers keep the level they were created with, so one made
    /// now follows <c>log level</c> changes.
    /// </summary>
    private ILoggingAdapter Log => Logging.GetLogger(_system, "akka-media-admin");

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException && _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                Log.Warning("Admin server: accept failed: {0}", e.Message);
                continue;
            }

            if (Interlocked.Increment(ref _connections) > _settings.MaxConnections)
            {
                Interlocked.Decrement(ref _connections);
                Log.Warning("Admin server: {0} connections already served; closing the one from {1}", _settings.MaxConnections, socket.RemoteEndPoint);
                socket.Dispose();
                continue;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(socket).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _connections);
                }
            });
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        Stream stream = new NetworkStream(socket, ownsSocket: false);
        await using var disposeStream = stream.ConfigureAwait(false);
        var remote = socket.RemoteEndPoint;
        var log = Log;
        string? request;
        using (var idle = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            idle.CancelAfter(_settings.IdleTimeout);
            if (_tls.IsEnabled)
            {
                var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                string? refused = null;
                try
                {
                    await secure.AuthenticateAsServerAsync(_tls.ServerOptions(requireClientCertificate: true, reason => refused = reason), idle.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    await secure.DisposeAsync().ConfigureAwait(false);
                    log.Warning(
                        "Admin server: refused {0}: {1}",
                        remote,
                        refused ?? (e is OperationCanceledException
                            ? $"no TLS handshake within {_settings.IdleTimeout.TotalSeconds:0} s"
                            : $"its TLS handshake failed ({e.Message}): akkamedia cmd needs --tls and --tls-ca with a certificate this cluster's CA signed"));
                    return;
                }

                stream = secure;
            }

            request = await ReadRequestAsync(stream, idle.Token).ConfigureAwait(false);
        }

        if (request is null)
        {
            log.Info("Admin server: dropped {0}: no valid request line within {1} s", remote, _settings.IdleTimeout.TotalSeconds);
            return;
        }

        var writer = new StreamWriter(stream, AdminProtocol.Encoding, bufferSize: 4096, leaveOpen: true) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            var parts = request.Split('\t');
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(parts[0]), _token))
            {
                log.Warning("Admin server: refused {0}: wrong token", remote);
                await TryWriteAsync(writer, AdminProtocol.ErrorPrefix + "Wrong admin token: give the node's akka-media.admin.token with --token.").ConfigureAwait(false);
                return;
            }

            using var gone = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var watch = WatchDisconnectAsync(stream, gone);
            var args = parts.Skip(1).ToList();
            log.Info("Admin server: {0} from {1}", string.Join(' ', args), remote);
            string status;
            try
            {
                await AdminDispatcher.RunAsync(args, rest => new AdminContext(_system, _settings, rest, async line =>
                {
                    await writer.WriteLineAsync(AdminProtocol.OutputPrefix + line).ConfigureAwait(false);
                    await writer.FlushAsync(gone.Token).ConfigureAwait(false);
                }, gone.Token)).ConfigureAwait(false);
                status = AdminProtocol.Ok;
            }
            catch (AdminCommandException e)
            {
                status = AdminProtocol.ErrorPrefix + e.Message;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException && gone.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.Warning("Admin server: '{0}' failed: {1}", string.Join(' ', args), e);
                status = AdminProtocol.ErrorPrefix + $"{string.Join(' ', args)} failed: {e.GetBaseException().Message}";
            }
            finally
            {
                await gone.CancelAsync().ConfigureAwait(false);
                await watch.ConfigureAwait(false);
            }

            await TryWriteAsync(writer, status.ReplaceLineEndings(" ")).ConfigureAwait(false);
        }
    }

    /// <summary>Reads one request line, or null when the client sends nothing, too much, or closes before a newline.</summary>
    internal static async Task<string?> ReadRequestAsync(Stream stream, CancellationToken cancellation)
    {
        var buffer = new byte[AdminProtocol.MaxRequestBytes];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellation).ConfigureAwait(false);
                if (read == 0)
                {
                    return null;
                }

                var newline = Array.IndexOf(buffer, (byte)'\n', length, read);
                length += read;
                if (newline >= 0)
                {
                    return AdminProtocol.Encoding.GetString(buffer, 0, newline).TrimEnd('\r');
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException)
        {
            return null;
        }

        return null;
    }

    /// <summary>Completes when the client closes its side (or sends anything more), cancelling <paramref name="gone"/>.</summary>
    private static async Task WatchDisconnectAsync(Stream stream, CancellationTokenSource gone)
    {
        try
        {
            var buffer = new byte[1];
            _ = await stream.ReadAsync(buffer, gone.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Ended by the command completing, or the connection broke: either way the command's token is cancelled below.
        }

        try
        {
            await gone.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The command already finished.
        }
    }

    private static async Task TryWriteAsync(StreamWriter writer, string line)
    {
        try
        {
            await writer.WriteLineAsync(line).ConfigureAwait(false);
            await writer.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
        {
            // The client is gone; nothing to tell it.
        }
    }
}

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using AkkaMedia.Security;

namespace AkkaMedia.Host.Admin;

/// <summary>Sends one admin command to a node's admin server and relays its answer (see <see cref="AdminProtocol"/>).</summary>
internal static class AdminClient
{
    /// <summary>How long connecting may take before the node is reported unreachable.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="args"/> (palette, command, arguments) on the admin server at <paramref name="host"/>:<paramref name="port"/>,
    /// writing each output line to <paramref name="stdout"/> as it arrives. Returns 0 when the command succeeded
    /// (or a streaming command was cancelled through <paramref name="cancellation"/>), 1 with a one-line message
    /// on <paramref name="stderr"/> otherwise: unreachable server, refused certificate, wrong token, unknown command, failed command.
    /// With <paramref name="tls"/> on, the connection is TLS, presenting its certificate and trusting only a server its CA signed.
    /// </summary>
    public static async Task<int> RunAsync(string host, int port, string? token, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellation, TlsSettings? tls = null)
    {
        string request;
        try
        {
            request = AdminProtocol.Request(token ?? string.Empty, args);
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"cmd: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        using var client = new TcpClient();
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            connect.CancelAfter(ConnectTimeout);
            await client.ConnectAsync(host, port, connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            if (cancellation.IsCancellationRequested)
            {
                return 1;
            }

            var why = e is SocketException s ? s.Message : $"no answer within {ConnectTimeout.TotalSeconds:0} s";
            await stderr.WriteLineAsync($"cmd: cannot connect to {host}:{port} ({why}). Is an akkamedia node running with --admin-port {port}?").ConfigureAwait(false);
            return 1;
        }

        Stream stream = client.GetStream();
        if (tls is { IsEnabled: true })
        {
            var secure = new SslStream(stream, leaveInnerStreamOpen: false);
            string? refused = null;
            try
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                handshake.CancelAfter(ConnectTimeout);
                await secure.AuthenticateAsClientAsync(tls.ClientOptions(host, reason => refused = reason), handshake.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or AuthenticationException or OperationCanceledException)
            {
                await secure.DisposeAsync().ConfigureAwait(false);
                var why = refused is not null ? $"this client does not trust the node: {refused}"
                    : e is OperationCanceledException ? $"no TLS handshake within {ConnectTimeout.TotalSeconds:0} s"
                    : $"the TLS handshake failed ({e.Message}); the node may not speak TLS, or may not trust this certificate";
                await stderr.WriteLineAsync($"cmd: cannot connect securely to {host}:{port}: {why}.").ConfigureAwait(false);
                return 1;
            }

            stream = secure;
        }

        await using var disposeStream = stream.ConfigureAwait(false);
        try
        {
            await using var writer = new StreamWriter(stream, AdminProtocol.Encoding, leaveOpen: true) { NewLine = "\n" };
            await writer.WriteLineAsync(request).ConfigureAwait(false);
            await writer.FlushAsync(cancellation).ConfigureAwait(false);
            using var reader = new StreamReader(stream, AdminProtocol.Encoding, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            while (await reader.ReadLineAsync(cancellation).ConfigureAwait(false) is { } line)
            {
                if (line.Length > 0 && line[0] == AdminProtocol.OutputPrefix)
                {
                    await stdout.WriteLineAsync(line.AsMemory(1), cancellation).ConfigureAwait(false);
                    await stdout.FlushAsync(cancellation).ConfigureAwait(false);
                }
                else if (line == AdminProtocol.Ok)
                {
                    return 0;
                }
                else if (line.StartsWith(AdminProtocol.ErrorPrefix, StringComparison.Ordinal))
                {
                    await stderr.WriteLineAsync($"cmd: {line[AdminProtocol.ErrorPrefix.Length..]}").ConfigureAwait(false);
                    return 1;
                }
            }

            await stderr.WriteLineAsync($"cmd: {host}:{port} closed the connection before answering.").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return 0;
        }
        catch (IOException e)
        {
            var hint = tls is { IsEnabled: true } ? " (with TLS, this is also how a node that does not trust this client's certificate answers)" : string.Empty;
            await stderr.WriteLineAsync($"cmd: connection to {host}:{port} lost: {e.GetBaseException().Message}{hint}").ConfigureAwait(false);
            return 1;
        }
    }
}

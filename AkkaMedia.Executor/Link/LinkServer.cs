using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Executor.Admission;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;
using AkkaMedia.Security;

namespace AkkaMedia.Executor.Link;

/// <summary>
/// The executor's end of media links: listens on a TCP port, accepts one link per client node and
/// binds each channel a client opens to the session that expects it. With <see cref="TlsSettings"/> on, a connection
/// becomes a link only once its TLS handshake has shown a client certificate the cluster's CA signed (within the
/// handshake timeout); any other connection is logged and dropped. Sessions register with
/// <see cref="Expect"/> before they tell the client where to connect.
/// </summary>
/// <remarks>
/// Whoever calls <see cref="Start(ExtendedActorSystem, ExecutorSettings)"/> owns the server (and its port) until
/// <see cref="Dispose"/>, which is also registered to run when the actor system terminates; it should be called from
/// a lifetime that outlives actor restarts, not from an actor's constructor. Accepting goes on until disposal whatever
/// fails: a failed accept is logged and retried after <see cref="AcceptBackoff"/>.
/// </remarks>
internal sealed class LinkServer : IDisposable
{
    /// <summary>The pause after a failed accept, so that a lasting fault (no file descriptors left) cannot spin.</summary>
    internal static readonly TimeSpan AcceptBackoff = TimeSpan.FromMilliseconds(100);

    private readonly ExtendedActorSystem _system;
    private readonly TcpListener _listener;
    private readonly ExecutorSettings _settings;
    private readonly Func<TcpListener, CancellationToken, ValueTask<Socket>> _accept;
    private readonly ConcurrentDictionary<string, Action<MediaLink, int>> _expected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MediaLink, byte> _links = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TlsSettings _tls;
    private readonly RateLimiter<IPAddress> _connectionRate;
    private int _pendingHandshakes;
    private int _disposed;

    /// <summary>Binds the port; accepts nothing until <see cref="AcceptLoopAsync"/> runs.</summary>
    private LinkServer(
        ExtendedActorSystem system,
        ExecutorSettings settings,
        IPAddress address,
        int port,
        string advertisedHost,
        Func<TcpListener, CancellationToken, ValueTask<Socket>> accept)
    {
        _system = system;
        _settings = settings;
        _accept = accept;
        _tls = TlsSettings.For(system);
        _connectionRate = new RateLimiter<IPAddress>(settings.LinkMaxConnectionsPerSecond);
        _listener = new TcpListener(address, port);
        _listener.Start(512);
        Endpoint = $"{advertisedHost}:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    }

    /// <summary>Where clients connect, <c>host:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Binds the link port of <paramref name="settings"/> and accepts links until disposed or the system terminates.</summary>
    /// <exception cref="SocketException">The port could not be bound (taken, or the host is not this machine's).</exception>
    public static LinkServer Start(ExtendedActorSystem system, ExecutorSettings settings) =>
        Start(system, settings, static (listener, stopping) => listener.AcceptSocketAsync(stopping));

    /// <summary>
    /// As <see cref="Start(ExtendedActorSystem, ExecutorSettings)"/>, each connection being taken by
    /// <paramref name="accept"/>. Test seam: lets a spec make accepting fail; production passes the listener's accept.
    /// </summary>
    internal static LinkServer Start(ExtendedActorSystem system, ExecutorSettings settings, Func<TcpListener, CancellationToken, ValueTask<Socket>> accept)
    {
        var host = settings.LinkHostname;
        if (string.IsNullOrEmpty(host))
        {
            host = system.Provider.DefaultAddress.Host ?? "127.0.0.1";
        }

        var bindAddress = IPAddress.TryParse(host, out var parsed) ? parsed : IPAddress.Any;
        var server = new LinkServer(system, settings, bindAddress, settings.LinkPort, host, accept);
        try
        {
            system.RegisterOnTermination(server.Dispose);
        }
        catch
        {
            server.Dispose();
            throw;
        }

        // Never faults: every failure inside is logged and accepting goes on until disposal.
        _ = server.AcceptLoopAsync();
        return server;
    }

    /// <summary>
    /// The next <see cref="LinkMessageKind.Open"/> for <paramref name="sessionId"/> is handed to <paramref name="bind"/>, on the
    /// link's receive thread: a stream session's stage (<see cref="ILinkStageControl.Bind"/>) or a remote object's call
    /// channel (<see cref="ObjectCallEndpoint.Bind"/>). Whatever has ended by then answers the client with why.
    /// </summary>
    public void Expect(string sessionId, Action<MediaLink, int> bind) => _expected[sessionId] = bind;

    /// <summary>True while <paramref name="sessionId"/> waits for its channel (no client opened it yet).</summary>
    public bool IsWaiting(string sessionId) => _expected.ContainsKey(sessionId);

    /// <summary>
    /// The session <paramref name="sessionId"/> has stopped. Its stage, when still unbound, stays registered for the
    /// subscription timeout, so that a client whose Open is still on its way is answered with the reason the
    /// stage ended (an operator's kill, a failed start, the bind timeout) rather than with silence or a generic refusal.
    /// </summary>
    public void Retire(string sessionId)
    {
        if (_expected.TryGetValue(sessionId, out var bind))
        {
            var entry = new KeyValuePair<string, Action<MediaLink, int>>(sessionId, bind);
            _ = Task.Delay(_settings.SubscriptionTimeout, _stopping.Token)
                .ContinueWith(_ => _expected.TryRemove(entry), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>
    /// Stops accepting, releases the port and closes every open link, telling its client why. Idempotent and
    /// thread-safe: the owner and the actor system's termination may both call it.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Stop();
        if (!_links.IsEmpty)
        {
            _system.Log.Warning("Media link server {0} stopping: closing {1} link(s)", Endpoint, _links.Count);
        }

        foreach (var link in _links.Keys)
        {
            link.Close(Stopped());
        }
    }

    private ObjectDisposedException Stopped() =>
        new(nameof(LinkServer), $"Executor {_system.Provider.DefaultAddress} stopped its media link (its executor or actor system stopped).");

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket? socket = null;
            try
            {
                socket = await _accept(_listener, _stopping.Token).ConfigureAwait(false);
                if (!Admit(socket))
                {
                    socket.Dispose();
                }
                else if (_tls.IsEnabled)
                {
                    // Never faults; the handshake must not hold up the next accept.
                    _ = OpenSecureAsync(socket);
                }
                else
                {
                    Open(socket, null);
                }
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                socket?.Dispose();
                return;
            }
            catch (Exception e)
            {
                socket?.Dispose();
                if (e is SocketException)
                {
                    // A connection reset before it was taken, or a lack of resources that may pass.
                    _system.Log.Warning("Media link server {0}: accepting a connection failed ({1}); accepting again in {2} ms", Endpoint, e.Message, AcceptBackoff.TotalMilliseconds);
                }
                else
                {
                    _system.Log.Error(e, "Media link server {0}: accepting a connection failed unexpectedly; accepting again in {1} ms", Endpoint, AcceptBackoff.TotalMilliseconds);
                }

                try
                {
                    await Task.Delay(AcceptBackoff, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// Whether an accepted connection may go on: its address has not opened more than
    /// <see cref="ExecutorSettings.LinkMaxConnectionsPerSecond"/> connections lately and, with TLS on, fewer than
    /// <see cref="ExecutorSettings.LinkMaxPendingHandshakes"/> handshakes are under way (a true answer then counts it
    /// as one). A refusal is logged as a warning naming the address and the key.
    /// </summary>
    private bool Admit(Socket socket)
    {
        var remote = socket.RemoteEndPoint as IPEndPoint;
        if (remote is not null && !_connectionRate.TryAcquire(remote.Address))
        {
            _system.Log.Warning(
                "Media link server {0}: closed a connection from {1}: it opened more than {2} connections per second (akka-media.executor.link.max-connections-per-second)",
                Endpoint,
                remote.Address,
                _settings.LinkMaxConnectionsPerSecond);
            return false;
        }

        if (_tls.IsEnabled && Interlocked.Increment(ref _pendingHandshakes) > _settings.LinkMaxPendingHandshakes)
        {
            Interlocked.Decrement(ref _pendingHandshakes);
            _system.Log.Warning(
                "Media link server {0}: closed a connection from {1}: {2} TLS handshakes are already under way (akka-media.executor.link.max-pending-handshakes)",
                Endpoint,
                remote?.ToString() ?? "a client",
                _settings.LinkMaxPendingHandshakes);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Authenticates an accepted connection as the TLS server, requiring a client certificate the cluster's CA signed,
    /// and makes a link of it; a connection that fails (or does not finish) the handshake in time is logged and closed.
    /// Never faults. Counted in the pending handshakes (by <see cref="Admit"/>) until its handshake ends.
    /// </summary>
    private async Task OpenSecureAsync(Socket socket)
    {
        try
        {
            await HandshakeAsync(socket).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }
    }

    private async Task HandshakeAsync(Socket socket)
    {
        var peer = socket.RemoteEndPoint?.ToString() ?? "client";
        var secure = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        string? refused = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            timeout.CancelAfter(_tls.HandshakeTimeout);
            await secure.AuthenticateAsServerAsync(_tls.ServerOptions(requireClientCertificate: true, reason => refused = reason), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await secure.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
            if (!_stopping.IsCancellationRequested)
            {
                _system.Log.Warning(
                    "Media link server {0}: refused the connection of {1}: {2}",
                    Endpoint,
                    peer,
                    refused ?? (e is OperationCanceledException
                        ? $"it did not complete a TLS handshake within {_tls.HandshakeTimeout.TotalSeconds:0.#} s"
                        : $"its TLS handshake failed ({e.Message}): it needs a certificate signed by this cluster's CA"));
            }

            return;
        }

        try
        {
            Open(socket, secure);
        }
        catch (Exception e)
        {
            _system.Log.Error(e, "Media link server {0}: could not open the link of {1}", Endpoint, peer);
            await secure.DisposeAsync().ConfigureAwait(false);
            socket.Dispose();
        }
    }

    /// <summary>Makes a link of an accepted connection (and of its authenticated TLS stream, when there is one), which it owns from then on.</summary>
    private void Open(Socket socket, SslStream? secure)
    {
        var link = new MediaLink(socket, _system, socket.RemoteEndPoint?.ToString() ?? "client", _settings.HeartbeatInterval, _settings.IdleTimeout, secure)
        {
            OnOpen = Bind,
            OnRoundTrip = ExecutorMetrics.Get(_system).LinkRoundTrip.Record,
            MaxMessageLength = _settings.LinkMaxMessageSize,
            MaxMessageLengthSetting = "akka-media.executor.link.max-message-size",
        };
        _links[link] = 0;
        _ = link.Closed.Task.ContinueWith(_ => _links.TryRemove(link, out var _), TaskScheduler.Default);

        // Disposed meanwhile: the disposal may have gone over the links before this one was added.
        if (Volatile.Read(ref _disposed) != 0)
        {
            link.Close(Stopped());
            return;
        }

        link.Start();
    }

    private void Bind(MediaLink link, int channel, string sessionId)
    {
        // Checked before the session is taken: it goes on waiting for an Open on a link with room (or its bind timeout).
        if (link.ChannelCount >= _settings.LinkMaxChannels)
        {
            _system.Log.ForSession(sessionId).Warning("A media link channel from {Peer} was refused: the link already carries {Count} channels (akka-media.executor.link.max-channels)", link.Peer, link.ChannelCount);
            link.SendFailure(
                channel,
                $"The media link to executor {_system.Provider.DefaultAddress} already carries {_settings.LinkMaxChannels} channels, its most (akka-media.executor.link.max-channels); session '{sessionId}' was not opened.");
            return;
        }

        if (_expected.TryRemove(sessionId, out var bind))
        {
            // A stage that has stopped answers the client with a failure saying why.
            bind(link, channel);
        }
        else
        {
            _system.Log.ForSession(sessionId).Warning("A media link channel from {Peer} asked for a session that is not waiting for one (it timed out or was closed)", link.Peer);
            link.SendFailure(channel, $"This executor has no session '{sessionId}' waiting for a link (it timed out or was closed).");
        }
    }
}

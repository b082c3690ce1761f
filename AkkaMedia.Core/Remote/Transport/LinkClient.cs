using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using Akka.Actor;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Security;

namespace AkkaMedia.Remote.Transport;

/// <summary>
/// The media links of a client actor system: one TCP connection per executor endpoint (TLS with this node's
/// certificate when <see cref="TlsSettings"/> are on), shared by every remote stage this system runs there. A link that breaks is forgotten; the next stage to that
/// endpoint connects anew; one its executor ended makes the <see cref="ExecutorDirectory"/> suspect that executor
/// (no new session goes there until it answers again). An Akka extension.
/// </summary>
internal sealed class LinkClient : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly ConcurrentDictionary<string, Lazy<Task<MediaLink>>> _links = new(StringComparer.Ordinal);
    private int _nextChannel;

    public LinkClient(ExtendedActorSystem system)
    {
        _system = system;
        system.RegisterOnTermination(() =>
        {
            foreach (var link in _links.Values)
            {
                if (link.IsValueCreated && link.Value.IsCompletedSuccessfully)
                {
                    link.Value.Result.Dispose();
                }
            }
        });
    }

    public static LinkClient Get(ActorSystem system) => system.WithExtension<LinkClient, Provider>();

    public int NextChannel() => Interlocked.Increment(ref _nextChannel);

    /// <summary>The open link to <paramref name="endpoint"/> (<c>host:port</c>), connecting if there is none.</summary>
    public Task<MediaLink> GetAsync(string endpoint, string peer, TimeSpan heartbeatInterval, TimeSpan idleTimeout, TimeSpan connectTimeout)
    {
        while (true)
        {
            var lazy = _links.GetOrAdd(endpoint, e => new Lazy<Task<MediaLink>>(() => ConnectAsync(e, peer, heartbeatInterval, idleTimeout, connectTimeout)));
            var task = lazy.Value;
            if (task.IsCompleted && (task.IsFaulted || task.IsCanceled || task.Result.IsClosed))
            {
                _links.TryRemove(new KeyValuePair<string, Lazy<Task<MediaLink>>>(endpoint, lazy));
                if (task.IsFaulted || task.IsCanceled)
                {
                    return task;
                }

                continue;
            }

            return task;
        }
    }

    private async Task<MediaLink> ConnectAsync(string endpoint, string peer, TimeSpan heartbeatInterval, TimeSpan idleTimeout, TimeSpan connectTimeout)
    {
        var separator = endpoint.LastIndexOf(':');
        var host = endpoint[..separator];
        var port = int.Parse(endpoint[(separator + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            using var timeout = new CancellationTokenSource(connectTimeout);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            socket.Dispose();
            _links.TryRemove(endpoint, out _);
            throw new RemoteStageException($"Could not connect the media link to executor {peer} at {endpoint}: {e.Message}", peer, e);
        }

        var tls = TlsSettings.For(_system);
        SslStream? secure = null;
        if (tls.IsEnabled)
        {
            secure = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
            string? refused = null;
            try
            {
                using var timeout = new CancellationTokenSource(connectTimeout);
                await secure.AuthenticateAsClientAsync(tls.ClientOptions(host, reason => refused = reason), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await secure.DisposeAsync().ConfigureAwait(false);
                socket.Dispose();
                _links.TryRemove(endpoint, out _);
                var why = refused is not null
                    ? $"this node does not trust it: {refused}"
                    : $"the TLS handshake failed ({e.Message}); the executor refuses a node whose certificate the cluster's CA did not sign, or does not speak TLS";
                throw new RemoteStageException($"Could not open a secure media link to executor {peer} at {endpoint}: {why}.", peer, e);
            }
        }

        var link = new MediaLink(socket, _system, peer, heartbeatInterval, idleTimeout, secure)
        {
            OnRoundTrip = RemoteMetrics.Get(_system).LinkRoundTrip.Record,
            OnPeerGone = gone => ExecutorDirectory.Get(_system).Suspect(gone.Peer),
        };
        // Only this link is forgotten: by the time it closes, the endpoint may already map to a newer one, which must stay.
        _ = link.Closed.Task.ContinueWith(_ => Forget(endpoint, link), TaskScheduler.Default);
        link.Start();
        return link;
    }

    private void Forget(string endpoint, MediaLink link)
    {
        if (_links.TryGetValue(endpoint, out var current) && current.IsValueCreated
            && current.Value.IsCompletedSuccessfully && ReferenceEquals(current.Value.Result, link))
        {
            _links.TryRemove(new KeyValuePair<string, Lazy<Task<MediaLink>>>(endpoint, current));
        }
    }

    private sealed class Provider : ExtensionIdProvider<LinkClient>
    {
        public override LinkClient CreateExtension(ExtendedActorSystem system) => new(system);
    }
}

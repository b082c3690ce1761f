using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Remote.Link;

namespace AkkaMedia.Executor.Link;

/// <summary>
/// The executor's end of media links: listens on a TCP port, accepts one link per client node and
/// binds each channel a client opens to the session that expects it. Sessions register with
/// <see cref="Expect"/> before they tell the client where to connect.
/// </summary>
internal sealed class LinkServer : IDisposable
{
    private readonly ExtendedActorSystem _system;
    private readonly TcpListener _listener;
    private readonly ExecutorSettings _settings;
    private readonly ConcurrentDictionary<string, ILinkStageControl> _expected = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MediaLink, byte> _links = new();
    private readonly CancellationTokenSource _stopping = new();

    private LinkServer(ExtendedActorSystem system, ExecutorSettings settings, IPAddress address, int port, string advertisedHost)
    {
        _system = system;
        _settings = settings;
        _listener = new TcpListener(address, port);
        _listener.Start(512);
        Endpoint = $"{advertisedHost}:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = AcceptLoopAsync();
    }

    /// <summary>Where clients connect, <c>host:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Open links, for status reporting.</summary>
    public int LinkCount => _links.Count;

    public static LinkServer Start(ExtendedActorSystem system, ExecutorSettings settings)
    {
        var host = settings.LinkHostname;
        if (string.IsNullOrEmpty(host))
        {
            host = system.Provider.DefaultAddress.Host ?? "127.0.0.1";
        }

        var bindAddress = IPAddress.TryParse(host, out var parsed) ? parsed : IPAddress.Any;
        var server = new LinkServer(system, settings, bindAddress, settings.LinkPort, host);
        system.RegisterOnTermination(server.Dispose);
        return server;
    }

    /// <summary>The next <see cref="LinkMessageKind.Open"/> for <paramref name="sessionId"/> binds to <paramref name="control"/>.</summary>
    public void Expect(string sessionId, ILinkStageControl control) => _expected[sessionId] = control;

    /// <summary>True while <paramref name="sessionId"/> waits for its channel (no client opened it yet).</summary>
    public bool IsWaiting(string sessionId) => _expected.ContainsKey(sessionId);

    /// <summary>
    /// The session <paramref name="sessionId"/> has stopped. Its stage, when still unbound, stays registered for the
    /// subscription timeout, so that a client whose Open is still on its way is answered with the reason the
    /// stage ended (an operator's kill, a failed start, the bind timeout) rather than with silence or a generic refusal.
    /// </summary>
    public void Retire(string sessionId)
    {
        if (_expected.TryGetValue(sessionId, out var control))
        {
            var entry = new KeyValuePair<string, ILinkStageControl>(sessionId, control);
            _ = Task.Delay(_settings.SubscriptionTimeout, _stopping.Token)
                .ContinueWith(_ => _expected.TryRemove(entry), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _listener.Stop();
        if (!_links.IsEmpty)
        {
            _system.Log.Warning("Media link server {0} stopping: closing {1} link(s)", Endpoint, _links.Count);
        }

        var address = _system.Provider.DefaultAddress;
        foreach (var link in _links.Keys)
        {
            link.Close(new ObjectDisposedException(nameof(LinkServer), $"Executor {address} stopped its media link (its executor or actor system stopped)."));
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var link = new MediaLink(socket, _system, socket.RemoteEndPoint?.ToString() ?? "client", _settings.HeartbeatInterval, _settings.IdleTimeout)
            {
                OnOpen = Bind,
                OnRoundTrip = ExecutorMetrics.Get(_system).LinkRoundTrip.Record,
            };
            _links[link] = 0;
            _ = link.Closed.Task.ContinueWith(_ => _links.TryRemove(link, out var _), TaskScheduler.Default);
            link.Start();
        }
    }

    private void Bind(MediaLink link, int channel, string sessionId)
    {
        if (_expected.TryRemove(sessionId, out var control))
        {
            // A stage that has stopped answers the client with a failure saying why.
            control.Bind(link, channel);
        }
        else
        {
            _system.Log.ForSession(sessionId).Warning("A media link channel from {Peer} asked for a session that is not waiting for one (it timed out or was closed)", link.Peer);
            link.SendFailure(channel, $"This executor has no session '{sessionId}' waiting for a link (it timed out or was closed).");
        }
    }
}

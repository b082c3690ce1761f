using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Implementation;
using AkkaMedia.Frames;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.TestKit;
using Xunit.Abstractions;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Executor.Tests;

/// <summary>
/// Every way the opening of a media link channel can go wrong ends with a clear failure at the client: a session that
/// ended before its channel was opened, a channel nobody answers, a session that stopped without a word on its channel.
/// </summary>
public sealed class LinkChannelOpenSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public LinkChannelOpenSpec(ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0").WithFallback(ExecutorFixture.BaseConfig).WithFallback(AkkaMediaConfig.Default), "media", output)
    {
    }

    [Fact]
    public async Task An_executor_stage_whose_session_ended_before_the_Open_arrived_must_answer_it_with_the_reason()
    {
        var materializer = Sys.Materializer();
        var control = new TaskCompletionSource<ILinkStageControl>(TaskCreationOptions.RunContinuationsAsynchronously);
        const string reason = "Session s-1 (Scale) was killed by an operator: early";

        // The node side of the session: its output is cancelled and its input fails at once, as an operator's kill does.
        Flow.FromGraph(new LinkChannelStage(control.SetResult, window: 4, isClient: false, "session-s-1"))
            .Join(Flow.FromSinkAndSource(Sink.Cancelled<object>(), Source.Failed<object>(new InvalidOperationException(reason))))
            .Run(materializer);
        var stage = await control.Task;

        // The stream's actor stops once every stage in it has stopped.
        var supervisor = ((ActorMaterializerImpl)materializer).Supervisor;
        await AwaitAssertAsync(
            async () => Assert.Empty((await supervisor.Ask<StreamSupervisor.Children>(StreamSupervisor.GetChildren.Instance, Timeout)).Refs),
            Timeout);

        // Only now, with the stage stopped, does the client's Open reach it.
        var (client, server) = await ConnectedPairAsync();
        using (client)
        using (server)
        {
            var channel = new RecordingLinkChannel();
            client.Register(7, channel);
            stage.Bind(server, 7);

            var failure = await channel.Failure.Task.WaitAsync(Timeout);
            Assert.Contains(reason, failure);
        }
    }

    [Fact]
    public async Task A_remote_stage_whose_session_stopped_without_a_word_on_its_channel_must_fail_naming_the_session()
    {
        using var executor = await FakeExecutor.StartAsync(Sys, stopSession: true);
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => RunThrough(executor).WaitAsync(Timeout));

        var sessionId = await executor.SessionId.Task;
        Assert.Contains($"Session {sessionId} of remote stage 'Scale'", error.Message);
        Assert.Contains("ended, but its media link channel carried no end", error.Message);
        Assert.Equal(executor.Address, error.ExecutorAddress);
    }

    [Fact]
    public async Task A_remote_stage_whose_channel_Open_nobody_answers_must_fail_naming_the_session()
    {
        using var executor = await FakeExecutor.StartAsync(Sys, stopSession: false);
        var error = await Assert.ThrowsAsync<RemoteStageException>(() => RunThrough(executor).WaitAsync(Timeout));

        var sessionId = await executor.SessionId.Task;
        Assert.Contains($"did not answer the media link channel of session {sessionId}", error.Message);
        Assert.Equal(executor.Address, error.ExecutorAddress);
    }

    [Fact]
    public async Task A_client_stage_whose_link_is_lost_before_it_processed_its_binding_must_fail_naming_the_peer()
    {
        var control = new TaskCompletionSource<ILinkStageControl>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = Source.Never<object>()
            .Via(Flow.FromGraph(new LinkChannelStage(control.SetResult, window: 4, isClient: true, "client-stage")))
            .RunWith(Sink.Ignore<object>(), Sys.Materializer());
        var stage = await control.Task;
        var (client, server) = await ConnectedPairAsync();
        using (client)
        using (server)
        {
            client.Close(new IOException("the executor's node went away"), peerGone: true);

            // The closed link tells the channel at once, inside Open: the loss reaches the stage before its binding does.
            Assert.True(stage.Open(client, 7, "s-1"));

            var error = await Assert.ThrowsAsync<RemoteStageException>(() => run.WaitAsync(Timeout));
            Assert.Contains("The link to server-end was lost", error.Message);
            Assert.Equal("server-end", error.ExecutorAddress);
        }
    }

    private Task RunThrough(FakeExecutor executor) => Source.Never<AudioFrame>()
        .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", new RemoteStageOptions
        {
            Transport = RemoteTransport.MediaLink,
            Executor = executor.Address,
            OpenTimeout = TimeSpan.FromSeconds(1),
        }))
        .RunWith(Sink.Ignore<AudioFrame>(), Sys.Materializer());

    private async Task<(MediaLink Client, MediaLink Server)> ConnectedPairAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptSocketAsync();
        await connecting.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var system = (ExtendedActorSystem)Sys;
        var client = new MediaLink(connecting, system, "server-end", Heartbeat, Timeout);
        var server = new MediaLink(await accept, system, "client-end", Heartbeat, Timeout);
        client.Start();
        server.Start();
        return (client, server);
    }

    /// <summary>
    /// Plays an executor in the spec's own actor system: accepts the session, offers a media link that keeps itself alive
    /// with heartbeats but never answers an Open, and (with <c>stopSession</c>) stops the session's actor at once.
    /// </summary>
    private sealed class FakeExecutor : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly List<MediaLink> _links = [];
        private readonly IActorRef _actor;

        private FakeExecutor(ActorSystem system, bool stopSession)
        {
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            Address = ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
            var endpoint = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            var sessionId = SessionId;
            _actor = system.ActorOf(Props.Create(() => new ExecutorStandIn(endpoint, stopSession, sessionId)), ExecutorDirectoryActor.ExecutorPath.Split('/').Last());
            _ = AcceptAsync((ExtendedActorSystem)system);
        }

        public string Address { get; }

        public TaskCompletionSource<string> SessionId { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static Task<FakeExecutor> StartAsync(ActorSystem system, bool stopSession) => Task.FromResult(new FakeExecutor(system, stopSession));

        public void Dispose()
        {
            _listener.Stop();
            _actor.Tell(PoisonPill.Instance);
            lock (_links)
            {
                foreach (var link in _links)
                {
                    link.Dispose();
                }
            }
        }

        private async Task AcceptAsync(ExtendedActorSystem system)
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }

                var link = new MediaLink(socket, system, "client", Heartbeat, Timeout) { OnOpen = static (_, _, _) => { } };
                lock (_links)
                {
                    _links.Add(link);
                }

                link.Start();
            }
        }
    }

    private sealed class ExecutorStandIn : ReceiveActor
    {
        public ExecutorStandIn(string endpoint, bool stopSession, TaskCompletionSource<string> sessionId)
        {
            Receive<OpenSession>(open =>
            {
                sessionId.TrySetResult(open.SessionId);
                var session = Context.ActorOf(Props.Create(() => new SessionStandIn()), "session-" + open.SessionId);
                Sender.Tell(new SessionOpened(open.SessionId, null, session, endpoint));
                if (stopSession)
                {
                    Context.Stop(session);
                }
            });
        }
    }

    private sealed class SessionStandIn : ReceiveActor
    {
        public SessionStandIn() => ReceiveAny(_ => { });
    }
}

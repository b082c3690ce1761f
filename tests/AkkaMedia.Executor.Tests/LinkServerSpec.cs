using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using AkkaMedia.Executor.Link;
using Xunit.Abstractions;
using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;

namespace AkkaMedia.Executor.Tests;

/// <summary>The executor's media link server keeps accepting whatever fails, and lets go of its port when disposed, however often.</summary>
public sealed class LinkServerSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly ExecutorSettings Settings = ExecutorSettings.Create(ConfigurationFactory.ParseString("""
        akka-media.executor.link { hostname = "127.0.0.1", port = 0 }
        """));

    [Fact]
    public async Task LinkServer_must_log_an_unexpected_failure_to_accept_and_go_on_accepting()
    {
        var errors = CreateTestProbe();
        Sys.EventStream.Subscribe(errors.Ref, typeof(Error));
        var fault = new InvalidOperationException("the accept step broke");
        var accepts = 0;
        using var server = LinkServer.Start(
            (ExtendedActorSystem)Sys,
            Settings,
            (listener, stopping) => Interlocked.Increment(ref accepts) == 1 ? throw fault : listener.AcceptSocketAsync(stopping));

        var logged = await errors.FishForMessageAsync<Error>(e => ReferenceEquals(e.Cause, fault), Timeout);
        Assert.Contains(server.Endpoint, logged.Message.ToString());

        // A client that connects after the failure is served: its Open of a session nobody expects is answered.
        using var client = await LinkClients.ConnectAsync(Sys, server.Endpoint);
        var channel = new RecordingLinkChannel();
        client.Register(1, channel);
        client.SendOpen(1, "no-such-session");

        var failure = await channel.Failure.Task.WaitAsync(Timeout);
        Assert.Contains("no session 'no-such-session'", failure);
    }

    [Fact]
    public async Task LinkServer_must_close_its_links_saying_why_and_stop_listening_however_often_it_is_disposed()
    {
        var server = LinkServer.Start((ExtendedActorSystem)Sys, Settings);
        using var client = await LinkClients.ConnectAsync(Sys, server.Endpoint);
        var channel = new RecordingLinkChannel();
        client.Register(1, channel);
        client.SendOpen(1, "no-such-session");
        await channel.Failure.Task.WaitAsync(Timeout);

        server.Dispose();
        server.Dispose();

        var cause = await client.Closed.Task.WaitAsync(Timeout);
        Assert.Contains("stopped its media link", cause.Message);
        var refused = await Assert.ThrowsAsync<SocketException>(() => LinkClients.ConnectSocketAsync(server.Endpoint));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}

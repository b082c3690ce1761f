using Akka.Actor;
using Akka.TestKit;
using AkkaMedia.Protocol;
using AkkaMedia.Remote;
using AkkaMedia.Remote.Placement;
using Xunit.Abstractions;

namespace AkkaMedia.Core.Tests.Remote.Placement;

/// <summary>
/// The client's batcher of session requests, against a stand-in executor at <c>/user/akka-media-executor</c> of the
/// spec's own system that answers batches with one message: requests sent together travel together, and every answer
/// reaches its own requester only, refusals included.
/// </summary>
public sealed class SessionOpenBatcherSpec : Akka.TestKit.Xunit2.TestKit
{
    public SessionOpenBatcherSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
    }

    [Fact]
    public void Requests_sent_together_must_travel_in_batches_and_each_answer_must_reach_only_its_own_requester()
    {
        var executor = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new StandInExecutor(executor.Ref)), "akka-media-executor");
        var batcher = SessionOpenBatcher.For(Sys, ((ExtendedActorSystem)Sys).Provider.DefaultAddress.ToString());
        var requesters = Enumerable.Range(0, 300).Select(_ => CreateTestProbe()).ToList();

        for (var i = 0; i < requesters.Count; i++)
        {
            batcher.Tell(Request(i, requesters[i]), requesters[i].Ref);
        }

        // Every third member is refused, the others open; each requester hears its own answer and nothing else.
        for (var i = 0; i < requesters.Count; i++)
        {
            var answer = requesters[i].ExpectMsg<object>(TimeSpan.FromSeconds(10));
            if (i % 3 == 0)
            {
                Assert.Equal(("s-" + i, RefusalReason.BadSettings), (((SessionRefused)answer).SessionId, ((SessionRefused)answer).Reason));
            }
            else
            {
                Assert.Equal("s-" + i, ((SessionOpened)answer).SessionId);
            }

            requesters[i].ExpectNoMsg(TimeSpan.Zero);
        }

        var sizes = new List<int>();
        while (sizes.Sum() < requesters.Count)
        {
            sizes.Add(executor.ExpectMsg<int>(TimeSpan.FromSeconds(10)));
        }

        executor.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(requesters.Count, sizes.Sum());
        Assert.True(sizes.Count < requesters.Count, $"{requesters.Count} requests sent at once went in {sizes.Count} messages: none was batched.");
        Assert.All(sizes, size => Assert.InRange(size, 1, SessionOpenBatcher.MaxMembers));
    }

    private static OpenSession Request(int i, TestProbe client) =>
        new("s-" + i, "Scale", i % 3 == 0 ? "gain = 2" : "factor = 1", RemoteTransport.MediaLink, null, client.Ref);

    /// <summary>Answers a lone request to its sender and a batch with one <see cref="SessionsAnswered"/>; tells the probe each message's member count.</summary>
    private sealed class StandInExecutor : ReceiveActor
    {
        public StandInExecutor(IActorRef probe)
        {
            Receive<OpenSession>(request =>
            {
                probe.Tell(1);
                Sender.Tell(Answer(request));
            });
            Receive<OpenSessions>(batch =>
            {
                probe.Tell(batch.Sessions.Count);
                var answers = batch.Sessions.Select(Answer).ToList();
                batch.ReplyTo.Tell(new SessionsAnswered([.. answers.OfType<SessionOpened>()], [.. answers.OfType<SessionRefused>()]));
            });
        }

        private object Answer(OpenSession request) => request.Settings.StartsWith("gain", StringComparison.Ordinal)
            ? new SessionRefused(request.SessionId, RefusalReason.BadSettings, "Unknown setting 'gain'.")
            : new SessionOpened(request.SessionId, null, Self, "127.0.0.1:4100");
    }
}

using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using AkkaMedia.TestKit;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests;

/// <summary>An executor with room for many sessions and a credit window of two elements on its channels.</summary>
public sealed class ManySessionsExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("""
    akka-media.executor.max-sessions = 1000
    akka-media.executor.link.window = 2
    """));

/// <summary>Many sessions started at once over one media link, each with a small window: every one must deliver all its frames.</summary>
public sealed class MediaLinkStressSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ManySessionsExecutor>
{
    private readonly ManySessionsExecutor _executor;
    private readonly IMaterializer _materializer;

    public MediaLinkStressSpec(ManySessionsExecutor executor, ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka-media.remote.link-window = 2").WithFallback(executor.ClientConfig), "media", output)
    {
        _executor = executor;
        _materializer = Sys.Materializer();
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task Media_link_must_carry_every_frame_of_many_sessions_opened_at_once()
    {
        const int sessions = 200;
        const int framesPerSession = 40;
        var options = new RemoteStageOptions { Transport = RemoteTransport.MediaLink, Executor = _executor.Address, OpenTimeout = TimeSpan.FromSeconds(20) };
        var runs = Enumerable.Range(0, sessions).Select(s =>
        {
            var frames = Enumerable.Range(s * 1000, framesPerSession).Select(i => TestRegistry.Frame(i, samples: 48)).ToList();
            return Source.From(frames)
                .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", options))
                .RunWith(Sink.Seq<AudioFrame>(), _materializer);
        }).ToList();

        var all = Task.WhenAll(runs);
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception)
        {
            // Reported per session below.
        }
        var failed = runs.Select((r, i) => (r, i)).Where(x => !x.r.IsCompletedSuccessfully).Select(x => $"{x.i}: {(x.r.IsFaulted ? x.r.Exception!.GetBaseException().Message : "still running")}").ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {sessions} sessions did not deliver: {string.Join(" | ", failed.Take(10))}");
        for (var s = 0; s < sessions; s++)
        {
            Assert.Equal(Enumerable.Range(s * 1000, framesPerSession).Select(i => (long)i), (await runs[s]).Select(f => f.Sequence));
        }

        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Media_link_must_tell_every_client_of_sessions_killed_while_they_open_why_they_ended()
    {
        const int sessions = 60;
        var timeout = TimeSpan.FromSeconds(10);
        var options = new RemoteStageOptions { Transport = RemoteTransport.MediaLink, Executor = _executor.Address, OpenTimeout = TimeSpan.FromSeconds(20) };
        var runs = Enumerable.Range(0, sessions).Select(_ => Source.Never<AudioFrame>()
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("Scale", "factor = 1", options))
            .RunWith(Sink.Ignore<AudioFrame>(), _materializer)).ToList();

        // Each session is killed as soon as the executor lists it: many before their client's channel is open.
        var killed = new HashSet<string>();
        while (killed.Count < sessions)
        {
            var listed = await _executor.Executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, timeout);
            foreach (var session in listed.Where(s => killed.Add(s.SessionId)))
            {
                _executor.Executor.Tell(new ExecutorActor.KillSession(session.SessionId, "early"));
            }
        }

        var outcomes = new List<string>();
        foreach (var run in runs)
        {
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(60));
                outcomes.Add("completed");
            }
            catch (TimeoutException)
            {
                outcomes.Add("still running");
            }
            catch (RemoteStageException e)
            {
                outcomes.Add(e.Message.Contains("killed by an operator: early", StringComparison.Ordinal) ? "killed" : e.Message);
            }
        }

        var unexpected = outcomes.Where(o => o != "killed").ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} of {sessions} clients did not learn of the kill: {string.Join(" | ", unexpected.Distinct().Take(10))}");
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(20));
    }
}

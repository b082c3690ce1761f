using AkkaMedia.Executor.Sessions;
using System.Reflection;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Executor.Tests.Packages;
using AkkaMedia.Protocol;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// What object and shipped-node sessions do alike while their code loads: refuse the session, with a message naming
/// the cause, when the code cannot load or takes too long; stop without an answer when the client closes the session or
/// dies; and in every case unload the code, even when its load returns only after the session gave up on it.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class CodeSessionLoadingSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>A shippable object whose static constructor, on an executor, waits at the <see cref="LoadGate"/>.</summary>
    private const string SlowSource = """
        namespace UserSlow
        {
            public interface ISlow
            {
                int Ping();
            }

            public sealed class Slow : ISlow
            {
                static Slow()
                {
                    if (typeof(Slow).Assembly.IsCollectible)
                    {
                        AkkaMedia.Executor.Tests.Sessions.LoadGate.Wait();
                    }
                }

                public int Ping() => 1;
            }
        }
        """;

    private static readonly Lazy<Assembly> SlowCode = new(() => UserCode.Load("UserSlow", SlowSource));
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public CodeSessionLoadingSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
    }

    [Theory]
    [InlineData(SessionKind.Object, "object")]
    [InlineData(SessionKind.ShippedNode, "node")]
    public async Task A_session_whose_code_does_not_load_within_the_timeout_must_be_refused_and_unload_the_code_once_the_load_returns(string kind, string word)
    {
        using var sessions = new CodeSessions(TimeSpan.FromMilliseconds(300));
        var entry = sessions.Upload(SlowCode.Value);
        var client = CreateTestProbe();
        LoadGate.Close();
        try
        {
            var session = Watch(sessions.Start(Sys, kind, NewSlow(), [entry], client.Ref));

            var refused = client.ExpectMsg<SessionRefused>(Timeout);
            Assert.Equal(RefusalReason.CodeRejected, refused.Reason);
            Assert.Equal(session.Path.Name, refused.SessionId);
            Assert.Contains($"Loading and deserializing the {word} did not finish within 0.3 s (a static constructor or deserialization callback hangs?)", refused.Message);
            ExpectTerminated(session, Timeout);
            await AwaitAssertAsync(() => Assert.Equal(1, ObjectExecutor.LiveContexts), Timeout);
        }
        finally
        {
            LoadGate.Open();
        }

        await AwaitAssertAsync(() => Assert.Equal(0, ObjectExecutor.LiveContexts), Timeout);
    }

    [Theory]
    [InlineData(SessionKind.Object)]
    [InlineData(SessionKind.ShippedNode)]
    public async Task A_session_closed_while_its_code_loads_must_stop_without_answering_and_unload_the_code(string kind)
    {
        using var sessions = new CodeSessions(TimeSpan.FromSeconds(30));
        var entry = sessions.Upload(SlowCode.Value);
        var client = CreateTestProbe();
        LoadGate.Close();
        try
        {
            var session = Watch(sessions.Start(Sys, kind, NewSlow(), [entry], client.Ref));
            await AwaitAssertAsync(() => Assert.Equal(1, ObjectExecutor.LiveContexts), Timeout);

            session.Tell(new CloseSession(session.Path.Name), client.Ref);

            ExpectTerminated(session, Timeout);
            Assert.False(client.HasMessages);
        }
        finally
        {
            LoadGate.Open();
        }

        await AwaitAssertAsync(() => Assert.Equal(0, ObjectExecutor.LiveContexts), Timeout);
    }

    [Theory]
    [InlineData(SessionKind.Object)]
    [InlineData(SessionKind.ShippedNode)]
    public async Task A_session_whose_client_dies_while_its_code_loads_must_stop_and_unload_the_code(string kind)
    {
        using var sessions = new CodeSessions(TimeSpan.FromSeconds(30));
        var entry = sessions.Upload(SlowCode.Value);
        var client = CreateTestProbe();
        LoadGate.Close();
        try
        {
            var session = Watch(sessions.Start(Sys, kind, NewSlow(), [entry], client.Ref));
            await AwaitAssertAsync(() => Assert.Equal(1, ObjectExecutor.LiveContexts), Timeout);

            Sys.Stop(client.Ref);

            ExpectTerminated(session, Timeout);
        }
        finally
        {
            LoadGate.Open();
        }

        await AwaitAssertAsync(() => Assert.Equal(0, ObjectExecutor.LiveContexts), Timeout);
    }

    [Theory]
    [InlineData(SessionKind.Object)]
    [InlineData(SessionKind.ShippedNode)]
    public void A_session_whose_package_is_not_in_the_store_must_be_refused_with_the_loaders_reason(string kind)
    {
        using var sessions = new CodeSessions(TimeSpan.FromSeconds(30));
        var missing = PackageFiles.Blob("UserSlow", 1_000).Entry;
        var client = CreateTestProbe();

        var session = Watch(sessions.Start(Sys, kind, NewSlow(), [missing], client.Ref));

        var refused = client.ExpectMsg<SessionRefused>(Timeout);
        Assert.Equal(RefusalReason.CodeRejected, refused.Reason);
        Assert.Equal($"{missing} is not in the executor's package store; upload the package before opening the session.", refused.Message);
        ExpectTerminated(session, Timeout);
        Assert.Equal(0, ObjectExecutor.LiveContexts);
    }

    [Theory]
    [InlineData(SessionKind.Object, "object")]
    [InlineData(SessionKind.ShippedNode, "node")]
    public void A_session_whose_load_fails_unexpectedly_must_be_refused_naming_the_exception(string kind, string word)
    {
        using var sessions = new CodeSessions(TimeSpan.FromSeconds(30));
        var entry = sessions.Upload(SlowCode.Value);
        Directory.Delete(Path.Combine(sessions.Store.Folder, entry.Sha256), recursive: true);
        var client = CreateTestProbe();

        var session = Watch(sessions.Start(Sys, kind, NewSlow(), [entry], client.Ref));

        var refused = client.ExpectMsg<SessionRefused>(Timeout);
        Assert.Equal(RefusalReason.CodeRejected, refused.Reason);
        Assert.StartsWith($"The {word} could not be loaded on the executor: {typeof(DirectoryNotFoundException).FullName}: ", refused.Message);
        ExpectTerminated(session, Timeout);
        Assert.Equal(0, ObjectExecutor.LiveContexts);
    }

    [Fact]
    public async Task A_shipped_node_aborted_while_its_code_loads_must_be_refused_as_shutting_down_so_the_client_may_go_elsewhere()
    {
        using var sessions = new CodeSessions(TimeSpan.FromSeconds(30));
        var entry = sessions.Upload(SlowCode.Value);
        var client = CreateTestProbe();
        LoadGate.Close();
        try
        {
            var session = Watch(sessions.Start(Sys, SessionKind.ShippedNode, NewSlow(), [entry], client.Ref));
            await AwaitAssertAsync(() => Assert.Equal(1, ObjectExecutor.LiveContexts), Timeout);

            session.Tell(new AbortSession("Executor x is shutting down."), TestActor);

            var refused = client.ExpectMsg<SessionRefused>(Timeout);
            Assert.Equal((RefusalReason.ShuttingDown, "Executor x is shutting down."), (refused.Reason, refused.Message));
            ExpectTerminated(session, Timeout);
        }
        finally
        {
            LoadGate.Open();
        }

        await AwaitAssertAsync(() => Assert.Equal(0, ObjectExecutor.LiveContexts), Timeout);
    }

    [Fact]
    public async Task A_shipped_node_killed_while_its_code_loads_must_stop_without_answering()
    {
        using var sessions = new CodeSessions(TimeSpan.FromSeconds(30));
        var entry = sessions.Upload(SlowCode.Value);
        var client = CreateTestProbe();
        LoadGate.Close();
        try
        {
            var session = Watch(sessions.Start(Sys, SessionKind.ShippedNode, NewSlow(), [entry], client.Ref));
            await AwaitAssertAsync(() => Assert.Equal(1, ObjectExecutor.LiveContexts), Timeout);

            session.Tell(new ExecutorActor.KillSession(session.Path.Name, "spec"), TestActor);

            ExpectTerminated(session, Timeout);
            Assert.False(client.HasMessages);
        }
        finally
        {
            LoadGate.Open();
        }

        await AwaitAssertAsync(() => Assert.Equal(0, ObjectExecutor.LiveContexts), Timeout);
    }

    private static object NewSlow() => UserCode.Create(SlowCode.Value, "UserSlow.Slow");
}

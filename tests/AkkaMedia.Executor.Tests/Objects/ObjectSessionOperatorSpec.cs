using System.Reflection;
using Akka.Actor;
using AkkaMedia.Executor.Packages;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>The executor's operator queries on remote object sessions and the packages they shipped.</summary>
[Collection(UserCodeCollection.Name)]
public sealed class ObjectSessionOperatorSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>
{
    private static readonly Lazy<Assembly> CalculatorCode = new(() => UserCode.Load("UserCalcOps", UserSources.Calculator()));
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly ObjectExecutor _executor;

    public ObjectSessionOperatorSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task An_object_session_must_be_listed_with_its_assembly_its_package_listed_and_KillSession_must_stop_it()
    {
        await using var calculator = await RemoteHandle.DeployAsync(Sys, UserCode.Create(CalculatorCode.Value, "UserCalc.Calculator"), "ICalculator");
        Assert.Equal(2, calculator.Call("Add", 2));

        var sessions = await _executor.Executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, Timeout);
        var packages = await _executor.Executor.Ask<IReadOnlyList<PackageStoreEntry>>(ExecutorActor.ListPackages.Instance, Timeout);

        var session = Assert.Single(sessions, s => s.SessionId == calculator.SessionId);
        Assert.Equal("object of UserCalcOps", session.NodeType);
        Assert.Equal("calls", session.Transport);
        Assert.Null(session.FramesIn);
        Assert.Null(session.FramesOut);
        var package = Assert.Single(packages, p => p.Name == "UserCalcOps");
        Assert.Equal(64, package.Sha256.Length);
        Assert.True(package.Length > 0);

        Assert.True(await _executor.Executor.Ask<bool>(new ExecutorActor.KillSession(calculator.SessionId, string.Empty), Timeout));

        await AwaitAssertAsync(async () =>
        {
            var left = await _executor.Executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, Timeout);
            Assert.DoesNotContain(left, s => s.SessionId == calculator.SessionId);
        }, Timeout);
        var error = Assert.ThrowsAny<Exception>(() => calculator.Call("Add", 1));
        Assert.Contains("has ended", error.Message);
    }
}

using System.Reflection;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// The rules of remote calls hold on both paths a call can take: over the executor's media link (the default) and as
/// Akka.Remote messages (<see cref="RemoteObjectOptions.Transport"/> = StreamRefs).
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class RemoteObjectCallPathSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>
{
    private static readonly Lazy<Assembly> CalculatorCode = new(() => UserCode.Load("UserCalcPaths", UserSources.Calculator()));

    private readonly ObjectExecutor _executor;

    public RemoteObjectCallPathSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    public static TheoryData<RemoteTransport> Paths => [RemoteTransport.MediaLink, RemoteTransport.StreamRefs];

    [Fact]
    public async Task Calls_must_travel_over_the_media_link_by_default()
    {
        await using (var calculator = await DeployAsync(null))
        {
            Assert.True(calculator.CallsOverLink);
            Assert.Equal(4, calculator.Call("Add", 4));
        }

        await AssertNothingLeftAsync();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Calls_must_run_in_the_order_they_were_made_with_many_in_flight(RemoteTransport path)
    {
        await using (var calculator = await DeployAsync(path))
        {
            Assert.Equal(path == RemoteTransport.MediaLink, calculator.CallsOverLink);
            var calls = Enumerable.Range(1, 200).Select(_ => calculator.CallAsync("AddAsync", 1)).ToList();

            var results = await Task.WhenAll(calls);

            Assert.Equal(Enumerable.Range(1, 200).Cast<object?>(), results);
            Assert.Equal(200, calculator.Call("Add", 0));
        }

        await AssertNothingLeftAsync();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_user_exception_must_fail_its_call_with_the_remote_stack_trace_and_keep_the_session(RemoteTransport path)
    {
        await using (var calculator = await DeployAsync(path))
        {
            calculator.Call("Add", 6);
            var error = Assert.Throws<RemoteExecutionException>(() => calculator.Call("Divide", 0));

            Assert.Equal("UserCalc.CalculatorException", error.RemoteType);
            Assert.Contains("cannot divide 6 by zero", error.Message);
            Assert.Contains("Calculator.Fail", error.RemoteStackTrace);
            Assert.Equal(3, calculator.Call("Divide", 2));
        }

        await AssertNothingLeftAsync();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_call_past_its_timeout_must_stop_the_session_and_fail_the_calls_queued_behind_it(RemoteTransport path)
    {
        var calculator = await DeployAsync(path, TimeSpan.FromMilliseconds(300));
        await using (calculator)
        {
            var hung = calculator.CallAsync("AddAsync", 0).ContinueWith(_ => calculator.Call("Hang", 3_000), TaskScheduler.Default);
            var timeout = await Assert.ThrowsAsync<TimeoutException>(() => hung);
            Assert.Contains("did not complete within 0.3 s", timeout.Message);

            var after = Assert.Throws<RemoteObjectException>(() => calculator.Call("Add", 1));
            Assert.Contains("timed out", after.Message);
            await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
        }

        await AssertNothingLeftAsync();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Calls_after_the_object_was_disposed_must_fail_clearly(RemoteTransport path)
    {
        var calculator = await DeployAsync(path);
        Assert.Equal(1, calculator.Call("Add", 1));

        await calculator.DisposeAsync();

        var error = Assert.Throws<RemoteObjectException>(() => calculator.Call("Add", 1));
        Assert.Contains("disposed", error.Message);
        await AssertNothingLeftAsync();
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_call_waiting_on_an_executor_that_stops_must_fail_with_the_reason_long_before_its_timeout(RemoteTransport path)
    {
        var executor = new ObjectExecutor();
        var client = executor.CreateClient();
        try
        {
            await executor.WaitForExecutorAsync(client);
            var calculator = await RemoteHandle.DeployAsync(
                client, UserCode.Create(CalculatorCode.Value, "UserCalc.Calculator"), "ICalculator", new RemoteObjectOptions { Transport = path });
            Assert.Equal(2, calculator.Call("Add", 2));
            // Alive, the executor would answer after 3 s; stopped, it never will: the call must fail well before its 30 s timeout.
            var waiting = Task.Run(() => calculator.Call("Hang", 3_000));
            await AwaitAssertAsync(async () => Assert.Equal(1, await executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(5));

            await executor.System.Terminate();

            var error = await Assert.ThrowsAsync<RemoteObjectException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(25)));
            Assert.Contains(executor.Address, error.Message);
            Assert.Throws<RemoteObjectException>(() => calculator.Call("Add", 1));

            // The abandoned call returns after 3 s; only then can its load context go.
            await AwaitAssertAsync(() => Assert.Equal(0, ObjectExecutor.LiveContexts), TimeSpan.FromSeconds(15));
        }
        finally
        {
            await client.Terminate();
            await executor.DisposeAsync();
        }
    }

    private async Task<RemoteHandle> DeployAsync(RemoteTransport? path, TimeSpan? callTimeout = null) =>
        await RemoteHandle.DeployAsync(
            Sys,
            UserCode.Create(CalculatorCode.Value, "UserCalc.Calculator"),
            "ICalculator",
            new RemoteObjectOptions { Transport = path, CallTimeout = callTimeout });

    private async Task AssertNothingLeftAsync() =>
        await AwaitAssertAsync(
            async () =>
            {
                Assert.Equal(0, await _executor.ActiveSessionsAsync());
                Assert.Equal(0, ObjectExecutor.LiveContexts);
            },
            TimeSpan.FromSeconds(15));
}

using System.Reflection;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Objects;

[Collection(UserCodeCollection.Name)]
public sealed class RemoteObjectSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ObjectExecutor>
{
    private const string CalculatorInterface = "ICalculator";
    private static readonly Lazy<Assembly> CalculatorCode = new(() => UserCode.Load("UserCalc", UserSources.Calculator()));
    private static readonly Lazy<Assembly> AwkwardCode = new(() => UserCode.Load("UserAwkward", UserSources.Awkward));
    private static readonly Lazy<Assembly> TallyCode = new(() => UserCode.Load("UserTally", """
        namespace UserTally
        {
            public enum Unit { Items = 1, Boxes = 2 }
            public interface ITally { long Count(int n); string Describe(); }
            public sealed class Tally : ITally
            {
                private long _total;
                private readonly string _name;
                private Unit _unit;
                public Tally(string name, long start) { _name = name; _total = start; _unit = Unit.Boxes; }
                public long Total => _total;
                public long Count(int n) { _total += n; return _total; }
                public string Describe() => _name + ":" + _total + " " + _unit;
            }
        }
        """));

    private readonly ObjectExecutor _executor;

    public RemoteObjectSpec(ObjectExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public void User_code_must_not_be_loadable_by_the_executors_default_context()
    {
        var calculator = NewCalculator();

        Assert.Null(Type.GetType("UserCalc.Calculator, UserCalc", throwOnError: false));
        Assert.False(calculator.GetType().Assembly.IsCollectible);
    }

    [Fact]
    public async Task RemoteObject_must_keep_its_state_between_calls_on_the_executor()
    {
        await using (var calculator = await DeployAsync(NewCalculator()))
        {
            Assert.Equal(5, calculator.Call("Add", 5));
            Assert.Equal(10, calculator.Call("Multiply", 2));
            Assert.Equal(["add 5", "multiply 2"], (List<string>)calculator.Call("History")!);
            Assert.Equal(true, calculator.Call("RunsInCollectibleContext"));
            Assert.Equal(_executor.Address, calculator.ExecutorAddress);
        }

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_of_simple_fields_must_arrive_with_every_field_and_keep_its_state()
    {
        var tally = UserCode.Create(TallyCode.Value, "UserTally.Tally", "apples", 40L);
        await using (var remote = await DeployAsync(tally, null, "ITally"))
        {
            Assert.Equal("apples:40 Boxes", remote.Call("Describe"));
            Assert.Equal(42L, remote.Call("Count", 2));
            Assert.Equal(42L, Read(await remote.GetStateAsync(), "Total"));
        }

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_must_pass_arguments_and_results_of_user_types()
    {
        await using (var calculator = await DeployAsync(NewCalculator()))
        {
            calculator.Call("Add", 3);
            var point = UserCode.Create(CalculatorCode.Value, "UserCalc.Point");
            point.GetType().GetProperty("X")!.SetValue(point, 10);
            point.GetType().GetProperty("Y")!.SetValue(point, -4);
            ((List<string>)Read(point, "Trail")!).Add("made here");

            var shifted = calculator.Call("Shift", point)!;

            Assert.Equal(point.GetType(), shifted.GetType());
            Assert.Equal(13, Read(shifted, "X"));
            Assert.Equal(-4, Read(shifted, "Y"));
            Assert.Equal(["made here", "shifted by 3"], (List<string>)Read(shifted, "Trail")!);
            Assert.Equal(["made here"], (List<string>)Read(point, "Trail")!);
        }

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_must_complete_task_returning_calls_when_the_remote_call_completes()
    {
        await using (var calculator = await DeployAsync(NewCalculator()))
        {
            Assert.Equal(3, await calculator.CallAsync("AddAsync", 3));
            Assert.Equal(7, await calculator.CallAsync("AddAsync", 4));
            Assert.Equal(7, await calculator.CallAsync("CurrentAsync"));
            Assert.Null(await calculator.CallAsync("ResetAsync"));
            Assert.Equal(0, await calculator.CallAsync("CurrentAsync"));
        }

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_must_bring_back_a_copy_of_its_state()
    {
        var local = NewCalculator();
        await using (var calculator = await DeployAsync(local))
        {
            calculator.Call("Add", 6);
            calculator.Call("Multiply", 7);
            var copy = await calculator.GetStateAsync();

            Assert.NotSame(local, copy);
            Assert.Equal(local.GetType(), copy.GetType());
            Assert.Equal(42, Read(copy, "Value"));
            Assert.Equal(["add 6", "multiply 7"], (List<string>)Read(copy, "Log")!);
            Assert.Equal(0, Read(local, "Value"));
        }

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_must_carry_a_user_exception_with_its_remote_stack_trace_and_keep_the_session()
    {
        await using (var calculator = await DeployAsync(NewCalculator()))
        {
            calculator.Call("Add", 8);
            var error = Assert.Throws<RemoteExecutionException>(() => calculator.Call("Divide", 0));

            Assert.Equal("UserCalc.CalculatorException", error.RemoteType);
            Assert.Equal("cannot divide 8 by zero", error.RemoteMessage);
            Assert.Contains("UserCalc.Calculator.Fail", error.RemoteStackTrace);
            Assert.Contains("UserCalc.Calculator.Divide", error.RemoteStackTrace);
            Assert.Contains(error.RemoteStackTrace, error.ToString());
            Assert.Contains("ICalculator.Divide", error.Message);
            Assert.Equal(_executor.Address, error.ExecutorAddress);

            Assert.Equal(4, calculator.Call("Divide", 2));
            Assert.Equal(["add 8", "divide 2"], (List<string>)calculator.Call("History")!);
        }

        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_must_stop_the_session_when_a_call_exceeds_its_timeout()
    {
        var options = new RemoteObjectOptions { CallTimeout = TimeSpan.FromMilliseconds(300) };
        await using (var calculator = await DeployAsync(NewCalculator(), options))
        {
            calculator.Call("Add", 1);
            var timeout = Assert.Throws<TimeoutException>(() => calculator.Call("Hang", 3_000));
            Assert.Contains("did not complete within 0.3 s", timeout.Message);
            Assert.Contains("session was stopped", timeout.Message);

            var after = Assert.Throws<RemoteObjectException>(() => calculator.Call("Add", 1));
            Assert.Contains("timed out", after.Message);
            await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
        }

        // The abandoned thread returns after 3 s; only then can nothing of the session remain.
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_must_name_the_field_that_cannot_be_shipped_before_sending_anything()
    {
        var callback = await Assert.ThrowsAsync<ArgumentException>(() => DeployAsync(UserCode.Create(AwkwardCode.Value, "UserAwkward.WithCallback"), null, "IProbe"));
        Assert.Contains("'WithCallback._callback'", callback.Message);
        Assert.Contains("delegate", callback.Message);

        var stream = await Assert.ThrowsAsync<ArgumentException>(() => DeployAsync(UserCode.Create(AwkwardCode.Value, "UserAwkward.WithNestedStream"), null, "IProbe"));
        Assert.Contains("'WithNestedStream._inner.Output'", stream.Message);
        Assert.Contains("stream", stream.Message);

        Assert.Equal(0, await _executor.ActiveSessionsAsync());
        Assert.Equal(0, ObjectExecutor.LiveContexts);
    }

    [Fact]
    public async Task RemoteObject_must_fail_the_deploy_clearly_when_deserialization_throws_on_the_executor()
    {
        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => DeployAsync(UserCode.Create(AwkwardCode.Value, "UserAwkward.Fragile"), null, "IProbe"));

        Assert.Contains("could not be deserialized", error.Message);
        Assert.True(error.Message.Contains("Fragile refuses to be rebuilt on an executor", StringComparison.Ordinal), error.Message);
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_must_be_refused_before_loading_when_the_code_uses_a_forbidden_api()
    {
        var snooper = UserCode.Create(UserCode.Load("UserSnooper", UserSources.Snooper), "UserSnooper.Snooper");

        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => DeployAsync(snooper, null, "IProbe"));

        Assert.Contains("sandbox", error.Message);
        Assert.Contains("UserSnooper", error.Message);
        Assert.Contains("System.IO.File", error.Message);
        Assert.Contains("ReadAllText", error.Message);
        Assert.DoesNotContain(
            System.Runtime.Loader.AssemblyLoadContext.All.Where(static c => c.IsCollectible).SelectMany(static c => c.Assemblies),
            static a => a.GetName().Name == "UserSnooper");
        await AssertNothingLeftAsync();
    }

    [Fact]
    public async Task RemoteObject_session_must_stop_when_its_client_dies()
    {
        var client = _executor.CreateClient();
        try
        {
            await _executor.WaitForExecutorAsync(client);
            var calculator = await RemoteHandle.DeployAsync(client, NewCalculator(), CalculatorInterface);
            Assert.Equal(2, calculator.Call("Add", 2));
            Assert.Equal(1, await _executor.ActiveSessionsAsync());
        }
        finally
        {
            await client.Terminate();
        }

        await AssertNothingLeftAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task RemoteObject_must_unload_the_load_context_of_every_session()
    {
        const int Sessions = 100;
        var contexts = new List<WeakReference>(Sessions);
        for (var i = 0; i < Sessions; i++)
        {
            await using var calculator = await DeployAsync(NewCalculator());
            Assert.Equal(i, calculator.Call("Add", i));
            contexts.Add(ObjectExecutor.ContextOf(calculator.SessionId));
        }

        await AssertNothingLeftAsync();
        Assert.Equal(0, ObjectExecutor.CollectUntilDead(contexts));
    }

    [Fact]
    public async Task RemoteObject_of_simple_fields_must_unload_the_load_context_of_every_session_too()
    {
        const int Sessions = 30;
        var contexts = new List<WeakReference>(Sessions);
        for (var i = 0; i < Sessions; i++)
        {
            await using var tally = await DeployAsync(UserCode.Create(TallyCode.Value, "UserTally.Tally", "pears", (long)i), null, "ITally");
            Assert.Equal(i + 1L, tally.Call("Count", 1));
            contexts.Add(ObjectExecutor.ContextOf(tally.SessionId));
        }

        await AssertNothingLeftAsync();
        Assert.Equal(0, ObjectExecutor.CollectUntilDead(contexts));
    }

    [Fact]
    public async Task RemoteObject_must_run_two_versions_of_one_assembly_side_by_side()
    {
        var contract = UserCode.Load("UserContracts", UserSources.Contract);
        var v1 = UserCode.Load("UserVersioned", UserSources.Versioned("first edition"), "1.0.0.0", contract);
        var v2 = UserCode.Load("UserVersioned", UserSources.Versioned("second edition"), "2.0.0.0", contract);

        await using (var first = await DeployAsync(UserCode.Create(v1, "UserVersioned.Counter"), face: "IVersioned"))
        await using (var second = await DeployAsync(UserCode.Create(v2, "UserVersioned.Counter"), face: "IVersioned"))
        {
            Assert.Equal(2, await _executor.ActiveSessionsAsync());
            Assert.Equal("first edition", first.Call("Describe"));
            Assert.Equal("second edition", second.Call("Describe"));
            Assert.Equal(1, first.Call("Add", 1));
            Assert.Equal(100, second.Call("Add", 100));
            Assert.Equal(3, first.Call("Add", 2));

            var firstState = await first.GetStateAsync();
            var secondState = await second.GetStateAsync();
            Assert.Equal(new Version(1, 0, 0, 0), firstState.GetType().Assembly.GetName().Version);
            Assert.Equal(new Version(2, 0, 0, 0), secondState.GetType().Assembly.GetName().Version);
            Assert.Equal(3, Read(firstState, "Value"));
            Assert.Equal(100, Read(secondState, "Value"));
        }

        await AssertNothingLeftAsync();
    }

    private static object NewCalculator() => UserCode.Create(CalculatorCode.Value, "UserCalc.Calculator");

    private static object? Read(object obj, string property) => obj.GetType().GetProperty(property)!.GetValue(obj);

    private Task<RemoteHandle> DeployAsync(object obj, RemoteObjectOptions? options = null, string face = CalculatorInterface) =>
        RemoteHandle.DeployAsync(Sys, obj, face, options);

    private async Task AssertNothingLeftAsync(TimeSpan? within = null) =>
        await AwaitAssertAsync(
            async () =>
            {
                Assert.Equal(0, await _executor.ActiveSessionsAsync());
                Assert.Equal(0, ObjectExecutor.LiveContexts);
            },
            within ?? TimeSpan.FromSeconds(15));
}

using System.Diagnostics;
using System.Reflection;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Diagnostics;
using AkkaMedia.Executor.Tests.Metrics;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>
/// Shipped code under <c>isolation = process</c>, on real worker processes: it works as in-process (state, results,
/// user exceptions with their remote stack trace, refusals), and a runaway call or a dead worker ends only its own
/// session, naming why, with nothing left running.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class ProcessIsolationSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ProcessIsolatedExecutor>
{
    private const string CalculatorInterface = "ICalculator";
    private static readonly Lazy<Assembly> CalculatorCode = new(() => UserCode.Load("UserCalcIsolated", UserSources.Calculator("process isolation")));
    private static readonly Lazy<Assembly> AwkwardCode = new(() => UserCode.Load("UserAwkwardIsolated", UserSources.Awkward));
    private static readonly Lazy<Assembly> SpinnerCode = new(() => UserCode.Load("UserSpinner", """
        namespace UserSpinner
        {
            public interface ISpinner { int Add(int n); System.Threading.Tasks.Task<int> AddAsync(int n); long Spin(); int Exhaust(); }
            public sealed class Spinner : ISpinner
            {
                private int _total;
                public int Add(int n) { _total += n; return _total; }
                public System.Threading.Tasks.Task<int> AddAsync(int n) => System.Threading.Tasks.Task.FromResult(Add(n));
                public long Spin() { long turns = 0; while (turns >= 0) { turns = (turns + 1) & 0x3FFFFFFF; } return turns; }
                public int Exhaust()
                {
                    var hoard = new System.Collections.Generic.List<byte[]>();
                    while (true) { var block = new byte[1 << 20]; block[^1] = 1; hoard.Add(block); }
                }
            }
        }
        """));

    private static readonly Lazy<Assembly> NodeCode = new(() => UserCode.Load("UserNodesIsolated", UserSources.DecayingGain));

    private readonly ProcessIsolatedExecutor _executor;

    public ProcessIsolationSpec(ProcessIsolatedExecutor executor, ITestOutputHelper output)
        : base(executor.ClientConfig, "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task RemoteObject_must_run_in_a_worker_process_keep_its_state_and_carry_user_exceptions_with_their_remote_stack_trace()
    {
        int pid;
        await using (var calculator = await DeployAsync(NewCalculator()))
        {
            pid = await _executor.WorkerPidAsync(calculator.SessionId);
            Assert.NotEqual(Environment.ProcessId, pid);
            Assert.True(ProcessIsolatedExecutor.IsRunning(pid));

            Assert.Equal(5, calculator.Call("Add", 5));
            Assert.Equal(10, calculator.Call("Multiply", 2));
            Assert.Equal(["add 5", "multiply 2"], (List<string>)calculator.Call("History")!);
            Assert.Equal(true, calculator.Call("RunsInCollectibleContext"));

            var error = Assert.Throws<RemoteExecutionException>(() => calculator.Call("Divide", 0));
            Assert.Equal("UserCalc.CalculatorException", error.RemoteType);
            Assert.Equal("cannot divide 10 by zero", error.RemoteMessage);
            Assert.Contains("UserCalc.Calculator.Divide", error.RemoteStackTrace);
            Assert.Equal(5, calculator.Call("Divide", 2));

            var state = await calculator.GetStateAsync();
            Assert.Equal(5, state.GetType().GetProperty("Value")!.GetValue(state));

            // The executor itself never loaded the user's code.
            Assert.Equal(0, ObjectExecutor.LiveContexts);
        }

        await AssertGoneAsync(pid);
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task Calls_sent_together_and_calls_sent_one_at_a_time_must_run_in_their_order_in_the_worker()
    {
        // A lone call runs on the worker's receive thread, calls that arrive together on its runner thread: the order
        // must hold across both paths, in every mix of them.
        await using var spinner = await DeployAsync(UserCode.Create(SpinnerCode.Value, "UserSpinner.Spinner"), null, "ISpinner");
        var expected = 0;
        for (var round = 0; round < 5; round++)
        {
            Assert.Equal(++expected, spinner.Call("Add", 1));
            var together = Enumerable.Range(0, 200).Select(_ => spinner.CallAsync("AddAsync", 1)).ToArray();
            Assert.Equal(Enumerable.Range(expected + 1, 200).Cast<object?>(), await Task.WhenAll(together));
            expected += 200;
            Assert.Equal(++expected, await spinner.CallAsync("AddAsync", 1));
        }
    }

    [IsolationTheory(NeedsCgroups = true)]
    [InlineData(RemoteTransport.MediaLink)]
    [InlineData(RemoteTransport.StreamRefs)]
    public async Task Shipped_node_must_stream_from_its_worker_process(RemoteTransport transport)
    {
        var node = (Node<AudioFrame, AudioFrame>)UserCode.Create(NodeCode.Value, "UserNodes.DecayingGain", 2f);

        var frames = await Source.From(Enumerable.Range(0, 30).Select(i => TestRegistry.Frame(i, samples: 64)))
            .Via(RemoteObject.Flow(node, new RemoteStageOptions { Transport = transport }))
            .RunWith(Sink.Seq<AudioFrame>(), Sys.Materializer());

        // Every frame comes back once, every third twice; the gain decays frame after frame (state kept in the worker).
        Assert.Equal(40, frames.Count);
        var first = TestRegistry.Frame(0, samples: 64).Samples.Span[1];
        Assert.Equal(first * 2f, frames[0].Samples.Span[1], 4);
        var second = TestRegistry.Frame(1, samples: 64).Samples.Span[1];
        Assert.Equal(second * 2f * 0.9f, frames[1].Samples.Span[1], 4);
        Assert.Equal(Enumerable.Range(0, 30).Select(static i => (long)i), frames.Select(static f => f.Sequence).Distinct());
        Assert.Equal(0, ObjectExecutor.LiveContexts);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(15));
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task Shipped_node_must_fail_its_stream_naming_the_worker_when_the_worker_dies_mid_stream()
    {
        var node = (Node<AudioFrame, AudioFrame>)UserCode.Create(NodeCode.Value, "UserNodes.DecayingGain", 1f);
        var done = Source.From(Enumerable.Range(0, int.MaxValue))
            .Throttle(50, TimeSpan.FromSeconds(1), 50, ThrottleMode.Shaping)
            .Select(static i => TestRegistry.Frame(i, samples: 64))
            .Via(RemoteObject.Flow(node))
            .RunWith(Sink.Ignore<AudioFrame>(), Sys.Materializer());

        SessionSummary? session = null;
        await AwaitAssertAsync(
            async () =>
            {
                var sessions = await _executor.Executor.Ask<IReadOnlyList<SessionSummary>>(ExecutorActor.ListSessions.Instance, TimeSpan.FromSeconds(5));
                session = Assert.Single(sessions);
                Assert.True(session.FramesOut > 0);
                Assert.NotNull(session.WorkerPid);
            },
            TimeSpan.FromSeconds(15));
        var pid = session!.WorkerPid!.Value;
        Assert.True(session.WorkerMemoryBytes > 0);

        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
        }

        var error = await Assert.ThrowsAsync<RemoteStageException>(() => done.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains($"(pid {pid})", error.Message);
        Assert.True(error.Message.Contains("was ended by signal 9", StringComparison.Ordinal), error.Message);
        await AssertGoneAsync(pid);
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task A_call_that_never_returns_must_be_stopped_at_its_timeout_by_killing_its_worker_while_other_sessions_answer()
    {
        using var metrics = new MetricsRecorder(_executor.System);
        var killed = metrics.Value(AkkaMediaTelemetry.ExecutorMeterName, "workers.killed", ("reason", "call_timeout"));
        var options = new RemoteObjectOptions { CallTimeout = TimeSpan.FromMilliseconds(500) };
        await using var other = await DeployAsync(NewCalculator());
        int pid;
        await using (var spinner = await DeployAsync(UserCode.Create(SpinnerCode.Value, "UserSpinner.Spinner"), options, "ISpinner"))
        {
            pid = await _executor.WorkerPidAsync(spinner.SessionId);
            Assert.Equal(1, spinner.Call("Add", 1));

            var spinning = Task.Run(() => spinner.Call("Spin"));
            Assert.Equal(3, other.Call("Add", 3));
            var timeout = await Assert.ThrowsAsync<TimeoutException>(() => spinning);
            Assert.Contains("did not complete within 0.5 s", timeout.Message);
            Assert.Contains("akka-media.executor.objects.call-timeout", timeout.Message);
            Assert.Contains("worker process killed", timeout.Message);

            var after = Assert.Throws<RemoteObjectException>(() => spinner.Call("Add", 1));
            Assert.Contains("timed out", after.Message);
            await AssertGoneAsync(pid, sessionsLeft: 1);
        }

        Assert.Equal(7, other.Call("Add", 4));
        await AwaitAssertAsync(
            () =>
            {
                Assert.Equal(killed + 1, metrics.Value(AkkaMediaTelemetry.ExecutorMeterName, "workers.killed", ("reason", "call_timeout")));
                Assert.Equal(1, metrics.Value(AkkaMediaTelemetry.ExecutorMeterName, "workers.warm"));
                Assert.Equal(2, metrics.Value(AkkaMediaTelemetry.ExecutorMeterName, "workers.running"));
            },
            TimeSpan.FromSeconds(15));
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task A_call_that_allocates_without_end_must_be_stopped_at_the_memory_limit_while_other_sessions_answer()
    {
        await using var other = await DeployAsync(NewCalculator());
        await using var spinner = await DeployAsync(UserCode.Create(SpinnerCode.Value, "UserSpinner.Spinner"), null, "ISpinner");
        var pid = await _executor.WorkerPidAsync(spinner.SessionId);
        Assert.Equal(2, spinner.Call("Add", 2));

        var hoarding = Task.Run(() => spinner.Call("Exhaust"));
        Assert.Equal(3, other.Call("Add", 3));
        var error = await Assert.ThrowsAsync<RemoteExecutionException>(() => hoarding);

        Assert.Equal(typeof(OutOfMemoryException).FullName, error.RemoteType);
        // Exit code 86: the worker caught the OutOfMemoryException; the client is told which limit ended it.
        Assert.True(error.RemoteMessage.Contains("exceeded its memory limit", StringComparison.Ordinal), error.RemoteMessage);
        Assert.Contains("192 MiB (akka-media.executor.workers.memory-limit)", error.RemoteMessage);
        await AssertGoneAsync(pid, sessionsLeft: 1);
        Assert.Equal(7, other.Call("Add", 4));
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task A_worker_killed_from_outside_must_fail_its_session_with_a_message_that_says_so()
    {
        await using var other = await DeployAsync(NewCalculator());
        await using var calculator = await DeployAsync(NewCalculator());
        Assert.Equal(2, calculator.Call("Add", 2));
        var pid = await _executor.WorkerPidAsync(calculator.SessionId);

        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
        }

        await AwaitAssertAsync(
            () =>
            {
                var error = Assert.ThrowsAny<Exception>(() => calculator.Call("Add", 1));
                Assert.True(error is RemoteObjectException or RemoteExecutionException, error.ToString());
                Assert.Contains("worker process", error.Message);
                Assert.Contains($"(pid {pid})", error.Message);
                Assert.True(error.Message.Contains("was ended by signal 9", StringComparison.Ordinal), error.Message);
            },
            TimeSpan.FromSeconds(10));
        await AwaitAssertAsync(async () => Assert.Equal(1, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
        Assert.Equal(1, other.Call("Add", 1));
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task A_load_that_throws_in_the_worker_must_refuse_the_session_as_in_process()
    {
        var error = await Assert.ThrowsAsync<RemoteObjectException>(() => DeployAsync(UserCode.Create(AwkwardCode.Value, "UserAwkward.Fragile"), null, "IProbe"));

        Assert.Contains("could not be deserialized", error.Message);
        Assert.True(error.Message.Contains("Fragile refuses to be rebuilt on an executor", StringComparison.Ordinal), error.Message);
        await AwaitAssertAsync(async () => Assert.Equal(0, await _executor.ActiveSessionsAsync()), TimeSpan.FromSeconds(10));
    }

    [IsolationFact(NeedsCgroups = true)]
    public async Task Closing_a_session_must_leave_no_worker_process()
    {
        var pids = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            await using var calculator = await DeployAsync(NewCalculator());
            Assert.Equal(i, calculator.Call("Add", i));
            pids.Add(await _executor.WorkerPidAsync(calculator.SessionId));
        }

        Assert.Equal(3, pids.Distinct().Count());
        foreach (var pid in pids)
        {
            await AssertGoneAsync(pid);
        }
    }

    private static object NewCalculator() => UserCode.Create(CalculatorCode.Value, "UserCalc.Calculator");

    private Task<RemoteHandle> DeployAsync(object obj, RemoteObjectOptions? options = null, string face = CalculatorInterface) =>
        RemoteHandle.DeployAsync(Sys, obj, face, options);

    private async Task AssertGoneAsync(int pid, int sessionsLeft = 0) =>
        await AwaitAssertAsync(
            async () =>
            {
                Assert.False(ProcessIsolatedExecutor.IsRunning(pid), $"worker process {pid} still runs");
                Assert.Equal(sessionsLeft, await _executor.ActiveSessionsAsync());
            },
            TimeSpan.FromSeconds(15));
}

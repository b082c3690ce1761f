using System.Collections;
using System.Reflection;
using AkkaMedia.Deployment.Objects;
using AkkaMedia.Executor.Diagnostics;
using AkkaMedia.Executor.Sessions;
using AkkaMedia.Executor.Tests.Objects;
using AkkaMedia.Protocol;
using Xunit.Abstractions;
using AkkaMedia.Protocol.Codecs;

namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// An object session's calls, sent straight to its actor: each resolves its own method, whatever calls of other methods
/// come before and after it, and the state that calls share lives with the loaded object, not in the actor.
/// </summary>
[Collection(UserCodeCollection.Name)]
public sealed class ObjectSessionCallsSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Missing = "UserCalc.ICalculator::Missing()";
    private static readonly Lazy<Assembly> CalculatorCode = new(() => UserCode.Load("UserCalcCalls", UserSources.Calculator()));
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public ObjectSessionCallsSpec(ITestOutputHelper output)
        : base(AkkaMediaConfig.Default, output: output)
    {
    }

    [Fact]
    public async Task Calls_of_many_methods_interleaved_must_each_resolve_their_method_and_be_answered_in_order()
    {
        using var sessions = new CodeSessions(TimeSpan.FromSeconds(30));
        var code = CalculatorCode.Value;
        var codec = ObjectCodec.For(code);
        var face = code.GetType("UserCalc.ICalculator", throwOnError: true)!;
        var client = CreateTestProbe();
        var session = Watch(sessions.Start(Sys, SessionKind.Object, UserCode.Create(code, "UserCalc.Calculator"), [sessions.Upload(code)], client.Ref));
        var opened = client.ExpectMsg<ObjectSessionOpened>(Timeout);

        var calls = new List<(InvokeObject Call, object Expected)>();
        var history = new List<string>();
        var value = 0;
        void Call(string method, object expected, params object?[] arguments) =>
            calls.Add((new InvokeObject(calls.Count + 1, method == Missing ? Missing : MethodKey.Of(face.GetMethod(method)!), codec.Serialize(arguments)), expected));
        for (var round = 1; round <= 20; round++)
        {
            Call("Add", value += round, round);
            Call("AddAsync", value += 1, 1);
            Call("Multiply", value *= 2, 2);
            Call("CurrentAsync", value);
            Call("Divide", value /= 2, 2);
            Call("Describe", "calculator");
            Call(Missing, typeof(MissingMethodException));
            history.AddRange([$"add {round}", "add 1", "multiply 2", "divide 2"]);
        }

        Call("History", history);
        foreach (var (call, _) in calls)
        {
            opened.Session.Tell(call, client.Ref);
        }

        foreach (var (call, expected) in calls)
        {
            var reply = client.ExpectMsg<IObjectSessionMessage>(Timeout);
            if (expected is Type exception)
            {
                var failed = Assert.IsType<CallFailed>(reply);
                Assert.Equal((call.CallId, CallFailure.Rejected, exception.FullName), (failed.CallId, failed.Failure, failed.RemoteType));
                continue;
            }

            var succeeded = Assert.IsType<CallSucceeded>(reply);
            Assert.Equal(call.CallId, succeeded.CallId);
            var result = codec.Deserialize(succeeded.Result);
            if (expected is List<string> strings)
            {
                Assert.Equal(strings, Assert.IsAssignableFrom<IEnumerable>(result).Cast<string>());
            }
            else
            {
                Assert.Equal(expected, result);
            }
        }

        opened.Session.Tell(new CloseSession(session.Path.Name), client.Ref);
        ExpectTerminated(session, Timeout);
        await AwaitAssertAsync(() => Assert.Equal(0, ObjectExecutor.LiveContexts), Timeout);
    }

    [Fact]
    public void The_object_session_must_hold_no_collection_but_its_runner_queue_of_calls_waiting_for_their_turn()
    {
        Assert.Empty(CollectionsOf(typeof(ObjectSessionActor)));
        Assert.Equal([$"{nameof(ObjectCallRunner)}._queue"], CollectionsOf(typeof(ObjectCallRunner)));
    }

    private static List<string> CollectionsOf(Type actor)
    {
        var collections = new List<string>();
        for (var type = actor; type is not null && type.Assembly == actor.Assembly; type = type.BaseType)
        {
            collections.AddRange(type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Where(static f => f.FieldType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(f.FieldType))
                .Select(f => $"{f.DeclaringType!.Name}.{f.Name}"));
        }

        return collections;
    }
}

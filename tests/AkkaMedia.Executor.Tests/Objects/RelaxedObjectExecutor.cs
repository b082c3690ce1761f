using Akka.Configuration;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.TestKit;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// An in-process executor whose sandbox policy is set to the process isolation defaults (the lists of
/// <c>akka-media.executor.sandbox.process</c> given as the in-process keys), so that specs can deploy real libraries
/// end to end before worker processes exist. Its code still runs in this process: only specs use such a policy.
/// </summary>
public sealed class RelaxedObjectExecutor() : ExecutorFixture(TestRegistry.Create(), RelaxedConfig())
{
    private static Config RelaxedConfig()
    {
        var process = SandboxPolicy.ForProcess(Config.Empty);
        static string List(IEnumerable<string> rules) => "[" + string.Join(", ", rules.Select(static r => "\"" + r + "\"")) + "]";
        return ConfigurationFactory.ParseString($$"""
            akka-media.executor.max-sessions = 8
            akka-media.executor.sandbox {
              allow-native-calls = {{(process.AllowNativeCalls ? "on" : "off")}}
              forbidden = {{List(process.Forbidden)}}
              allowed = {{List(process.Allowed)}}
            }
            """);
    }
}

using Akka.Configuration;
using AkkaMedia.TestKit;

namespace AkkaMedia.Executor.Tests.Metrics;

/// <summary>An in-process executor for the metric specs: the test node types, 2 sessions at most.</summary>
public sealed class MetricsExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("akka-media.executor.max-sessions = 2"));

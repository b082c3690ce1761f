using Akka.Configuration;
using AkkaMedia.TestKit;

namespace AkkaMedia.Executor.Tests;

/// <summary>An in-process executor that serves the test node types, limited to 2 sessions.</summary>
public sealed class TestExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("akka-media.executor.max-sessions = 2"));

/// <summary>An executor logging at info, so that its sessions' start and end are logged.</summary>
public sealed class InfoLoggingExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("akka.loglevel = INFO"));

/// <summary>An executor for client specs, which connect and leave on their own.</summary>
public sealed class ClientSpecExecutor() : ExecutorFixture(TestRegistry.Create());

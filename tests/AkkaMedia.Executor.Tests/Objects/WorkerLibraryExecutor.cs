using Akka.Configuration;
using AkkaMedia.TestKit;

namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>
/// An in-process executor started as <c>akkamedia node --isolation process</c> starts one: shipped code is checked
/// against the process policy (<c>akka-media.executor.sandbox.process</c>) and runs in worker processes under
/// bubblewrap with their cgroup limits (one warm worker). The specs' user code never loads in this process.
/// </summary>
public sealed class WorkerLibraryExecutor() : ExecutorFixture(TestRegistry.Create(), ConfigurationFactory.ParseString("""
    akka-media.executor.max-sessions = 8
    akka-media.executor.isolation = process
    akka-media.executor.workers.warm = 1
    """));

using Akka.Configuration;
using AkkaMedia.Nodes;
using AkkaMedia.TestKit;

namespace AkkaMedia.Host.Tests;

/// <summary>An in-process executor serving the built-in node types, limited to one session so that a second is refused.</summary>
public sealed class BuiltInExecutor() : ExecutorFixture(BuiltInNodes.CreateRegistry(), ConfigurationFactory.ParseString("akka-media.executor.max-sessions = 1"));

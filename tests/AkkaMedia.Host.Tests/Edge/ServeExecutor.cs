using AkkaMedia.Nodes;
using AkkaMedia.TestKit;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>An executor with the built-in nodes in this process, for <c>serve</c> specs with remote stages.</summary>
public sealed class ServeExecutor() : ExecutorFixture(BuiltInNodes.CreateRegistry());

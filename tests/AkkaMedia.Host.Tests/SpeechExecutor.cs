using AkkaMedia.Host.Pipelines;
using AkkaMedia.TestKit;

namespace AkkaMedia.Host.Tests;

/// <summary>An in-process executor serving every node type of the <c>akkamedia</c> program, speech nodes included.</summary>
public sealed class SpeechExecutor() : ExecutorFixture(HostNodes.CreateRegistry());

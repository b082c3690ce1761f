using AkkaMedia.Remote;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests;

public sealed class RemoteStageOverStreamRefsSpec(TestExecutor executor, ITestOutputHelper output) : RemoteStageSpec(executor, output)
{
    protected override RemoteTransport Transport => RemoteTransport.StreamRefs;
}

using AkkaMedia.Host.Commands;
using AkkaMedia.Remote;

namespace AkkaMedia.Host.Tests;

public sealed class RunCommandExplainSpec
{
    [Fact]
    public void A_failure_gathered_by_a_task_must_read_as_its_cause_said_once()
    {
        var kill = new RemoteStageException("Session s-1 (Echo) was killed by an operator: maintenance.", "akka.tcp://media@10.0.0.2:4053");
        var gathered = new AggregateException(new AggregateException(kill), kill);

        Assert.Equal("Session s-1 (Echo) was killed by an operator: maintenance.", RunCommand.Explain(gathered));
    }

    [Fact]
    public void Different_causes_gathered_together_must_all_be_named()
    {
        var gathered = new AggregateException(
            new RemoteStageException("Remote stage 'Echo' failed: the executor is presumed dead.", null),
            new InvalidOperationException("disk full"));

        Assert.Equal("Remote stage 'Echo' failed: the executor is presumed dead.; InvalidOperationException: disk full", RunCommand.Explain(gathered));
    }

    [Fact]
    public void Any_other_failure_must_read_as_its_type_and_message()
    {
        Assert.Equal("IOException: no space", RunCommand.Explain(new IOException("no space")));
    }
}

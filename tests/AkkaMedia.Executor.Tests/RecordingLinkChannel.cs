using AkkaMedia.Protocol.Link;
using AkkaMedia.Protocol.Liveness;


namespace AkkaMedia.Executor.Tests;

/// <summary>
/// A media link channel that waits for its end: <see cref="Failure"/> gets the peer's failure text, or faults with the
/// cause when the link was lost, or with an error when the channel completed instead. Data, demand and cancel are ignored.
/// </summary>
internal sealed class RecordingLinkChannel : ILinkChannel
{
    public TaskCompletionSource<string> Failure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnData(List<object> elements)
    {
    }

    public void OnDemand(int count)
    {
    }

    public void OnComplete() => Failure.TrySetException(new InvalidOperationException("The channel completed instead of failing."));

    public void OnFailure(string message) => Failure.TrySetResult(message);

    public void OnCancel()
    {
    }

    public void OnLinkLost(Exception cause) => Failure.TrySetException(cause);
}

using Akka.Actor;

namespace AkkaMedia.Host.Hosting;

/// <summary>The reason of the coordinated shutdown of a client node whose work failed (<see cref="ClientExit.StopAfterFailureAsync"/>).</summary>
internal sealed class ClientFailureReason : CoordinatedShutdown.Reason
{
    /// <summary>The one instance.</summary>
    public static readonly CoordinatedShutdown.Reason Instance = new ClientFailureReason();

    private ClientFailureReason()
    {
    }

    /// <summary>1, the exit code of a failed run, should the process exit on the shutdown (<c>exit-clr</c>; off for a client).</summary>
    public override int ExitCode => 1;

    /// <inheritdoc />
    public override string ToString() => "the client's work failed";
}

using System.Globalization;
using System.Text;
using AkkaMedia.Client;

namespace AkkaMedia.Hosting;

/// <summary>An application that runs remote stages and remote objects on the cluster's executors (role <c>client</c>).</summary>
public sealed class AkkaMediaClientOptions : AkkaMediaNodeOptions
{
    /// <summary>How long opening a remote stage waits for an executor (<c>akka-media.remote.open-timeout</c>); null keeps 5 s.</summary>
    public TimeSpan? OpenTimeout { get; init; }

    /// <summary>
    /// For a cluster that formed through discovery (<c>akkamedia node --discovery</c>): management endpoints
    /// (<c>host:port</c>) of its nodes, for example a Kubernetes headless Service (<c>akkamedia-executor:8558</c>).
    /// Instead of <see cref="AkkaMediaNodeOptions.Seeds"/>: once the actor system has started, the client asks them for the
    /// cluster's members and joins those (<see cref="ClusterContactPoints"/>), asking again, with a warning in the log,
    /// until one answers.
    /// </summary>
    public IList<string> ContactPoints { get; init; } = [];

    /// <inheritdoc />
    private protected override string OwnRole => "client";

    /// <inheritdoc />
    private protected override void AppendOwn(StringBuilder hocon)
    {
        if (ContactPoints.Count > 0 && Seeds.Count > 0)
        {
            throw new ArgumentException("Give either Seeds or ContactPoints, not both: contact points tell the client the members to join.", nameof(ContactPoints));
        }

        foreach (var contactPoint in ContactPoints)
        {
            ClusterContactPoints.Normalize(contactPoint);
        }

        if (OpenTimeout is { } timeout)
        {
            if (timeout <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(OpenTimeout), timeout, "OpenTimeout must be positive.");
            }

            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka-media.remote.open-timeout = {(long)timeout.TotalMilliseconds}ms");
        }
    }
}

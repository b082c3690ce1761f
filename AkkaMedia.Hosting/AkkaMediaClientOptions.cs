using System.Globalization;
using System.Text;

namespace AkkaMedia.Hosting;

/// <summary>An application that runs remote stages and remote objects on the cluster's executors (role <c>client</c>).</summary>
public sealed class AkkaMediaClientOptions : AkkaMediaNodeOptions
{
    /// <summary>How long opening a remote stage waits for an executor (<c>akka-media.remote.open-timeout</c>); null keeps 5 s.</summary>
    public TimeSpan? OpenTimeout { get; init; }

    /// <inheritdoc />
    private protected override string OwnRole => "client";

    /// <inheritdoc />
    private protected override void AppendOwn(StringBuilder hocon)
    {
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

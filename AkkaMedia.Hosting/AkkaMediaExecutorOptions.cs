using System.Globalization;
using System.Text;

namespace AkkaMedia.Hosting;

/// <summary>A member that runs remote stages and remote objects for clients (role <c>executor</c>).</summary>
public sealed class AkkaMediaExecutorOptions : AkkaMediaNodeOptions
{
    /// <summary>Sessions the executor runs at once (<c>akka-media.executor.max-sessions</c>); null keeps 512.</summary>
    public int? MaxSessions { get; init; }

    /// <inheritdoc />
    private protected override string OwnRole => "executor";

    /// <inheritdoc />
    private protected override void AppendOwn(StringBuilder hocon)
    {
        if (MaxSessions is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, nameof(MaxSessions));
            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka-media.executor.max-sessions = {max}");
        }
    }
}

using System.Globalization;
using System.Text;

namespace AkkaMedia.Hosting;

/// <summary>A member that runs remote stages and remote objects for clients (role <c>executor</c>).</summary>
public sealed class AkkaMediaExecutorOptions : AkkaMediaNodeOptions
{
    /// <summary>Sessions the executor runs at once (<c>akka-media.executor.max-sessions</c>); null keeps 512.</summary>
    public int? MaxSessions { get; init; }

    /// <summary>
    /// Sessions one client node may open per second (<c>akka-media.executor.max-session-opens-per-second</c>); opens
    /// beyond it are refused as rate-limited and the client tries another executor. Null keeps 500.
    /// </summary>
    public int? MaxSessionOpensPerSecond { get; init; }

    /// <summary>Where shipped code runs (<c>akka-media.executor.isolation</c>); null keeps <see cref="ShippedCodeIsolation.InProcess"/>.</summary>
    public ShippedCodeIsolation? Isolation { get; init; }

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

        if (MaxSessionOpensPerSecond is { } opens)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(opens, nameof(MaxSessionOpensPerSecond));
            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka-media.executor.max-session-opens-per-second = {opens}");
        }

        if (Isolation is { } isolation)
        {
            var value = isolation switch
            {
                ShippedCodeIsolation.InProcess => "in-process",
                ShippedCodeIsolation.Process => "process",
                _ => throw new ArgumentOutOfRangeException(nameof(Isolation), isolation, "Isolation is InProcess or Process."),
            };
            hocon.AppendLine(CultureInfo.InvariantCulture, $"akka-media.executor.isolation = {value}");
        }
    }
}

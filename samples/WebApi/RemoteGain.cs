using System.Globalization;
using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;

namespace AkkaMedia.Samples.WebApi;

/// <summary>The remote stage of this app: the built-in <c>Gain</c> node, run on an executor of the cluster.</summary>
internal static class RemoteGain
{
    /// <summary>The largest gain taken (+40 dB).</summary>
    public const double MaxGain = 100;

    /// <summary>
    /// A flow that multiplies every sample by <paramref name="gain"/> on the least-loaded executor. Every
    /// materialization opens its own session there, closed when the stream ends, fails or is cancelled.
    /// </summary>
    public static Flow<AudioFrame, AudioFrame, NotUsed> Flow(double gain) =>
        RemoteNode.Flow<AudioFrame, AudioFrame>("Gain", string.Create(CultureInfo.InvariantCulture, $"gain = {gain:R}"));

    /// <summary>Reads the <c>gain</c> query parameter: a linear factor from 0 to <see cref="MaxGain"/>.</summary>
    public static bool TryParse(string? text, out double gain, out string error)
    {
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            gain = 0;
            error = "Give the gain as a query parameter, e.g. ?gain=2 (a linear factor: 2 doubles the amplitude, 0.5 halves it).";
            return false;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out gain) || !double.IsFinite(gain) || gain is < 0 or > MaxGain)
        {
            error = $"gain={text} is not valid: give a linear factor from 0 to {MaxGain} (2 doubles the amplitude, 0.5 halves it), with a '.' for decimals.";
            return false;
        }

        return true;
    }
}

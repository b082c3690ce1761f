using System.Collections.Concurrent;

namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// The windowed-sinc low-pass kernels for one rate conversion, tabulated per sub-sample phase.
/// Immutable and shared by every stream converting between the same two rates.
/// </summary>
/// <remarks>
/// Ratio <c>up/down</c> = output rate / input rate, reduced. Output sample <c>k</c> sits at input
/// position <c>k × down / up</c>; its integer part picks the input samples, its fraction
/// <c>phase / up</c> the kernel. When <c>up</c> is small (common rates: 48k↔16k, 44.1k→48k) each phase
/// has its own exact row; otherwise <see cref="MaxPhases"/> rows are tabulated and neighbours are
/// interpolated linearly. The cut-off sits at <see cref="Rolloff"/> of the lower Nyquist frequency,
/// the kernel spans <see cref="ZeroCrossings"/> sinc zero crossings per side under a Kaiser window,
/// and every row is normalized to unit DC gain.
/// </remarks>
internal sealed class SincFilterBank
{
    /// <summary>Sinc zero crossings on each side of the kernel centre: sharper transition, more taps.</summary>
    public const int ZeroCrossings = 16;

    /// <summary>Cut-off as a fraction of the lower of the two Nyquist frequencies.</summary>
    public const double Rolloff = 0.9;

    /// <summary>Kaiser window shape (≈ 70 dB stop-band).</summary>
    public const double KaiserBeta = 7.0;

    /// <summary>Most phase rows tabulated; ratios with a larger reduced numerator interpolate between rows.</summary>
    public const int MaxPhases = 1024;

    private static readonly ConcurrentDictionary<(int InputRate, int OutputRate), SincFilterBank> Cache = new();

    private SincFilterBank(int inputRate, int outputRate)
    {
        var divisor = Gcd(inputRate, outputRate);
        Up = outputRate / divisor;
        Down = inputRate / divisor;
        Phases = Math.Min(Up, MaxPhases);

        // Cut-off in cycles per input sample, and the kernel's half width in input samples.
        var cutoff = 0.5 * Rolloff * Math.Min(1.0, (double)Up / Down);
        var halfWidth = ZeroCrossings / (2 * cutoff);
        HalfTaps = (int)Math.Ceiling(halfWidth);
        Taps = 2 * HalfTaps;

        var rows = Phases + 1;
        var table = new float[rows * Taps];
        var row = new double[Taps];
        var i0Beta = BesselI0(KaiserBeta);
        for (var p = 0; p < rows; p++)
        {
            var fraction = (double)p / Phases;
            var sum = 0.0;
            for (var j = 0; j < Taps; j++)
            {
                // Distance from the output instant to input sample j of the window.
                var x = fraction + HalfTaps - 1 - j;
                row[j] = Kernel(x, cutoff, halfWidth, i0Beta);
                sum += row[j];
            }

            for (var j = 0; j < Taps; j++)
            {
                table[(p * Taps) + j] = (float)(row[j] / sum);
            }
        }

        Table = table;
    }

    /// <summary>Reduced numerator of the ratio output rate / input rate.</summary>
    public int Up { get; }

    /// <summary>Reduced denominator of the ratio output rate / input rate.</summary>
    public int Down { get; }

    /// <summary>Rows tabulated, not counting the extra closing row used for interpolation.</summary>
    public int Phases { get; }

    /// <summary>Input samples needed before and after an output instant (the look-ahead, in input samples).</summary>
    public int HalfTaps { get; }

    /// <summary>Kernel length in input samples.</summary>
    public int Taps { get; }

    /// <summary><see cref="Phases"/> + 1 rows of <see cref="Taps"/> coefficients.</summary>
    public float[] Table { get; }

    /// <summary>The shared bank for a conversion from <paramref name="inputRate"/> to <paramref name="outputRate"/>.</summary>
    public static SincFilterBank For(int inputRate, int outputRate) =>
        Cache.GetOrAdd((inputRate, outputRate), static key => new SincFilterBank(key.InputRate, key.OutputRate));

    private static double Kernel(double x, double cutoff, double halfWidth, double i0Beta)
    {
        if (Math.Abs(x) >= halfWidth)
        {
            return 0;
        }

        var arg = 2 * cutoff * x;
        var sinc = arg == 0 ? 1.0 : Math.Sin(Math.PI * arg) / (Math.PI * arg);
        var r = x / halfWidth;
        var window = BesselI0(KaiserBeta * Math.Sqrt(1 - (r * r))) / i0Beta;
        return 2 * cutoff * sinc * window;
    }

    private static double BesselI0(double x)
    {
        // Power series; converges quickly for the small arguments a Kaiser window uses.
        var sum = 1.0;
        var term = 1.0;
        var half = x / 2;
        for (var k = 1; k < 64; k++)
        {
            term *= half / k;
            var squared = term * term;
            sum += squared;
            if (squared < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}

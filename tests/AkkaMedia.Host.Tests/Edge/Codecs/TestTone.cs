namespace AkkaMedia.Host.Tests.Edge.Codecs;

/// <summary>Sine test signals, interleaved float, and how much of a signal is one frequency.</summary>
internal static class TestTone
{
    /// <summary><paramref name="length"/> interleaved samples of a sine at <paramref name="frequency"/>, channel c at <c>levels[c]</c>.</summary>
    public static float[] Create(int rate, int channels, float[] levels, int length, double frequency)
    {
        var tone = new float[length];
        for (var i = 0; i < length; i++)
            tone[i] = levels[i % channels] * (float)Math.Sin(2 * Math.PI * frequency * (i / channels) / rate);
        return tone;
    }

    /// <summary>The samples of one channel of interleaved audio.</summary>
    public static float[] Channel(IReadOnlyList<float> interleaved, int channels, int channel) =>
        interleaved.Where((_, i) => i % channels == channel).ToArray();

    /// <summary>
    /// The amplitude of the <paramref name="frequency"/> component of <paramref name="signal"/> (whatever its phase), and
    /// that component's share of the signal's energy (1 for a pure tone at that frequency).
    /// </summary>
    public static (double Amplitude, double Share) Measure(IReadOnlyList<float> signal, int rate, double frequency)
    {
        double sin = 0, cos = 0, energy = 0;
        for (var i = 0; i < signal.Count; i++)
        {
            var phase = 2 * Math.PI * frequency * i / rate;
            sin += signal[i] * Math.Sin(phase);
            cos += signal[i] * Math.Cos(phase);
            energy += (double)signal[i] * signal[i];
        }

        var amplitude = 2 * Math.Sqrt((sin * sin) + (cos * cos)) / signal.Count;
        var toneEnergy = amplitude * amplitude / 2 * signal.Count;
        return (amplitude, energy == 0 ? 0 : toneEnergy / energy);
    }
}

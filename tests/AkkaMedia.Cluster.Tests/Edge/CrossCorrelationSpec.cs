namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>The measure <see cref="BrowserSpec"/> judges returned audio by: where the fake microphone's chirp is, and how alike.</summary>
public sealed class CrossCorrelationSpec
{
    private const int Rate = 44100;

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(12345, 0.3)]
    [InlineData(50000, 2.0)]
    public void Best_must_find_the_chirp_where_it_is_at_any_gain(int lag, double gain)
    {
        var chirp = FakeMicrophone.Signature(Rate);
        var signal = Hiss(chirp.Length + 60000, 0.01);
        for (var i = 0; i < chirp.Length; i++)
        {
            signal[lag + i] += (float)(gain * chirp[i]);
        }

        var best = CrossCorrelation.Best(chirp, signal);

        Assert.Equal(lag, best.Lag);
        Assert.InRange(best.Value, 0.99, 1.0 + 1e-9);
    }

    [Fact]
    public void Best_must_score_audio_that_is_not_the_chirp_low()
    {
        var chirp = FakeMicrophone.Signature(Rate);
        var tone = Enumerable.Range(0, 3 * Rate).Select(n => (float)(0.5 * Math.Sin(2 * Math.PI * 440 * n / Rate))).ToArray();
        var reversed = chirp.Reverse().Concat(new float[Rate]).ToArray();

        Assert.InRange(CrossCorrelation.Best(chirp, tone).Value, -1, 0.2);
        Assert.InRange(CrossCorrelation.Best(chirp, reversed).Value, -1, 0.2);
        Assert.InRange(CrossCorrelation.Best(chirp, Hiss(3 * Rate, 0.3)).Value, -1, 0.2);
    }

    [Theory]
    [InlineData(0.10, 0.94, 0.96)]
    [InlineData(0.20, 0.88, 0.90)]
    public void Best_must_fall_with_a_gap_in_the_chirp_as_the_root_of_what_is_left(double gap, double low, double high)
    {
        var chirp = FakeMicrophone.Signature(Rate);
        var signal = chirp.Concat(new float[Rate]).ToArray();
        Array.Clear(signal, chirp.Length / 2, (int)(gap * chirp.Length));

        Assert.InRange(CrossCorrelation.Best(chirp, signal).Value, low, high);
    }

    // Deterministic white noise of the given peak level.
    private static float[] Hiss(int count, double level)
    {
        var random = new Random(20);
        return Enumerable.Range(0, count).Select(_ => (float)(level * ((2 * random.NextDouble()) - 1))).ToArray();
    }
}

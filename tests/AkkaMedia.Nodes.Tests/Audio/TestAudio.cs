using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Tests.Audio;

/// <summary>Signals, framing and measurements the audio specs compute independently of the nodes under test.</summary>
public static class TestAudio
{
    /// <summary>A sine of <paramref name="frequencyHz"/> with <paramref name="channels"/> identical interleaved channels.</summary>
    public static float[] Sine(double frequencyHz, int sampleRate, int samplesPerChannel, int channels = 1, double amplitude = 0.5)
    {
        var samples = new float[samplesPerChannel * channels];
        for (var n = 0; n < samplesPerChannel; n++)
        {
            var value = (float)(amplitude * Math.Sin(2 * Math.PI * frequencyHz * n / sampleRate));
            for (var c = 0; c < channels; c++)
            {
                samples[(n * channels) + c] = value;
            }
        }

        return samples;
    }

    /// <summary>Deterministic noise on the 16-bit grid (k/32768), so it survives a 16-bit WAV round trip exactly.</summary>
    public static float[] Pcm16GridNoise(int count, int seed)
    {
        var random = new Random(seed);
        var samples = new float[count];
        for (var i = 0; i < count; i++)
        {
            samples[i] = random.Next(-32768, 32768) / 32768f;
        }

        return samples;
    }

    /// <summary>Splits interleaved samples into frames of <paramref name="samplesPerFrame"/> (the last may be shorter), numbered from 0, timed by sample position.</summary>
    public static IReadOnlyList<AudioFrame> Frames(float[] interleaved, int sampleRate, int channels, int samplesPerFrame)
    {
        var frames = new List<AudioFrame>();
        var perFrame = samplesPerFrame * channels;
        for (var offset = 0; offset < interleaved.Length; offset += perFrame)
        {
            var length = Math.Min(perFrame, interleaved.Length - offset);
            var position = offset / channels;
            frames.Add(new AudioFrame(
                interleaved.AsSpan(offset, length).ToArray(),
                sampleRate,
                channels,
                frames.Count,
                TimeSpan.FromTicks(position * TimeSpan.TicksPerSecond / sampleRate)));
        }

        return frames;
    }

    /// <summary>All samples of <paramref name="frames"/>, in order.</summary>
    public static float[] Concat(IEnumerable<AudioFrame> frames)
    {
        var all = new List<float>();
        foreach (var frame in frames)
        {
            all.AddRange(frame.Samples.ToArray());
        }

        return all.ToArray();
    }

    /// <summary>One channel of an interleaved buffer.</summary>
    public static float[] Channel(float[] interleaved, int channels, int channel)
    {
        var result = new float[interleaved.Length / channels];
        for (var n = 0; n < result.Length; n++)
        {
            result[n] = interleaved[(n * channels) + channel];
        }

        return result;
    }

    /// <summary>Power of <paramref name="samples"/> at <paramref name="frequencyHz"/> (Goertzel algorithm).</summary>
    public static double GoertzelPower(ReadOnlySpan<float> samples, double frequencyHz, int sampleRate)
    {
        var coefficient = 2 * Math.Cos(2 * Math.PI * frequencyHz / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }

    /// <summary>The frequency between <paramref name="fromHz"/> and <paramref name="toHz"/> (step <paramref name="stepHz"/>) where the Goertzel power peaks.</summary>
    public static double PeakFrequency(ReadOnlySpan<float> samples, int sampleRate, double fromHz, double toHz, double stepHz)
    {
        var best = fromHz;
        var bestPower = double.MinValue;
        for (var f = fromHz; f <= toHz; f += stepHz)
        {
            var power = GoertzelPower(samples, f, sampleRate);
            if (power > bestPower)
            {
                bestPower = power;
                best = f;
            }
        }

        return best;
    }

    /// <summary>Root mean square of the samples.</summary>
    public static double Rms(ReadOnlySpan<float> samples)
    {
        var sum = 0.0;
        foreach (var x in samples)
        {
            sum += (double)x * x;
        }

        return samples.Length == 0 ? 0 : Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Runs <paramref name="inputs"/> through <paramref name="node"/> in a stream and collects the outputs.</summary>
    public static async Task<IReadOnlyList<TOut>> RunAsync<TIn, TOut>(Node<TIn, TOut> node, IEnumerable<TIn> inputs, IMaterializer materializer) =>
        await Source.From(inputs).Via(node.AsFlow()).RunWith(Sink.Seq<TOut>(), materializer);
}

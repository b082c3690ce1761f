using System.Globalization;

namespace AkkaMedia.Samples;

/// <summary>
/// Tallies the zipped stream and checks that the echoed audio really is the dry audio plus one copy
/// <c>delay</c> later scaled by <c>decay</c>: <c>wet[n] − dry[n] ≈ decay × dry[n − D]</c>.
/// </summary>
/// <remarks>
/// Streaming, O(D) memory: the last D dry samples sit in a ring. The residual <c>r = wet − dry</c> is
/// regressed on the dry signal delayed by D: the least-squares gain must be the decay and the
/// correlation near 1, so a missing echo (gain 0), an echo at another delay (correlation near 0) or a
/// distorted one (correlation below 1) all fail. Used as the state of one <c>Sink.Aggregate</c>.
/// </remarks>
internal sealed class EchoCheck
{
    private const double DecayTolerance = 0.01;
    private const double MinCorrelation = 0.999;

    private readonly int _delaySamples;
    private float[] _ring = [];
    private int _position;
    private double _residualTimesDelayed;
    private double _delayedSquared;
    private double _residualSquared;

    /// <param name="delaySamples">The echo delay in samples per channel; positive.</param>
    public EchoCheck(int delaySamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(delaySamples);
        _delaySamples = delaySamples;
    }

    public long FramesIn { get; private set; }

    public long SamplesIn { get; private set; }

    public long EchoedFrames { get; private set; }

    public long TailFrames { get; private set; }

    public long TailSamples { get; private set; }

    public long SpeechFrames { get; private set; }

    public long SilenceFrames { get; private set; }

    /// <summary>Least-squares gain of the delayed dry signal in the residual; 0 when nothing was delayed.</summary>
    public double EstimatedDecay => _delayedSquared > 0 ? _residualTimesDelayed / _delayedSquared : 0;

    /// <summary>Correlation of the residual with the delayed dry signal; 0 when either is silent.</summary>
    public double Correlation => _delayedSquared > 0 && _residualSquared > 0
        ? _residualTimesDelayed / Math.Sqrt(_delayedSquared * _residualSquared)
        : 0;

    public EchoCheck Add(EchoedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var wet = frame.Wet.Samples.Span;
        if (_ring.Length == 0)
        {
            _ring = new float[_delaySamples * frame.Wet.Channels];
        }

        if (frame.Dry is { } dry)
        {
            FramesIn++;
            SamplesIn += dry.SamplesPerChannel;
            if (frame.Decision!.IsSpeech)
            {
                SpeechFrames++;
            }
            else
            {
                SilenceFrames++;
            }
        }
        else
        {
            TailFrames++;
            TailSamples += frame.Wet.SamplesPerChannel;
        }

        EchoedFrames++;
        var drySamples = frame.Dry is null ? ReadOnlySpan<float>.Empty : frame.Dry.Samples.Span;
        for (var i = 0; i < wet.Length; i++)
        {
            // Past the end of the input the dry signal is silence; the echo's tail is then all residual.
            double x = i < drySamples.Length ? drySamples[i] : 0f;
            double delayed = _ring[_position];
            var residual = wet[i] - x;
            _residualTimesDelayed += residual * delayed;
            _delayedSquared += delayed * delayed;
            _residualSquared += residual * residual;
            _ring[_position] = (float)x;
            _position = (_position + 1) % _ring.Length;
        }

        return this;
    }

    /// <summary>What is wrong with the run, one sentence each; empty when the output is right.</summary>
    public IReadOnlyList<string> Problems(long expectedFrames, double expectedDecay)
    {
        var c = CultureInfo.InvariantCulture;
        var problems = new List<string>();
        if (FramesIn != expectedFrames)
        {
            problems.Add(string.Create(c, $"The source should have produced {expectedFrames} frames, but {FramesIn} came through the zip."));
        }

        if (TailFrames != 1 || EchoedFrames != FramesIn + 1)
        {
            problems.Add(string.Create(c, $"The echo should return {FramesIn} frames plus 1 tail frame, but returned {EchoedFrames - TailFrames} plus {TailFrames}."));
        }
        else if (TailSamples != _delaySamples)
        {
            problems.Add(string.Create(c, $"The echo's tail should hold {_delaySamples} samples (the delay), but holds {TailSamples}."));
        }

        if (Math.Abs(EstimatedDecay - expectedDecay) > DecayTolerance || Correlation < MinCorrelation)
        {
            problems.Add(string.Create(c,
                $"No echo of gain {expectedDecay} at {_delaySamples} samples in the output: measured gain {EstimatedDecay:0.0000}, correlation {Correlation:0.0000} (need ±{DecayTolerance} and ≥ {MinCorrelation})."));
        }

        return problems;
    }
}

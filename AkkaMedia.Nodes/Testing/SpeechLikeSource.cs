using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Testing;

/// <summary>
/// Produces a deterministic, speech-like mono test signal: voiced bursts (a harmonic-rich tone whose
/// pitch glides, shaped by two formant-like resonances and a syllable-rate tremolo) separated by
/// near-silent gaps. For demos and for specs of voice-activity detection, level meters and codecs.
/// </summary>
/// <remarks>
/// <para>The schedule (<see cref="Bursts"/>) is fixed by the seed and the duration: it starts with
/// 200 ms of silence, then alternates bursts of 250–700 ms and gaps of 200–500 ms until the duration is
/// reached. Bursts ramp in and out over <see cref="Ramp"/>; their level sits around -20 dBFS
/// (peaks at most 0.5). Gaps carry only a faint noise floor near -85 dBFS, so they are silence to any
/// sensible detector without being digital zero. The same arguments always give the same samples.</para>
/// <para>Frames hold <see cref="SamplesPerFrame"/> samples (the last may hold fewer), are numbered from 0
/// and timed by sample position; each frame gets a new buffer. The source ends after
/// <c>round(duration × sampleRate)</c> samples. Frames are produced as fast as downstream asks.</para>
/// </remarks>
public sealed class SpeechLikeSource : SourceNode<AudioFrame>
{
    /// <summary>Time over which each burst fades in and out.</summary>
    public static readonly TimeSpan Ramp = TimeSpan.FromMilliseconds(30);

    private const double PeakLevel = 0.5;
    private const double NoiseLevel = 1e-4;
    private const double TremoloHz = 4.0;
    private const double HighestHarmonicHz = 3800;
    private const int WaveTableSize = 4096;

    private readonly Voice[] _voices;
    private readonly long _totalSamples;
    private readonly long _rampSamples;
    private readonly double[] _wave = new double[WaveTableSize + 1];
    private readonly double _tremoloStepCos;
    private readonly double _tremoloStepSin;
    private SplitMix _noise;
    private int _voice;
    private int _loadedVoice = -1;
    private long _position;
    private long _sequence;
    private double _pitchPhase;
    private double _tremoloCos;
    private double _tremoloSin;

    /// <summary>Creates the source.</summary>
    /// <param name="duration">Length of the signal; positive.</param>
    /// <param name="sampleRate">Samples per second; at least 8000 Hz.</param>
    /// <param name="samplesPerFrame">Samples per frame; positive (960 = 20 ms at 48 kHz).</param>
    /// <param name="seed">Chooses the schedule, pitches and formants; any value.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is outside the range given above.</exception>
    public SpeechLikeSource(TimeSpan duration, int sampleRate = 48000, int samplesPerFrame = 960, int seed = 1)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "The duration must be positive.");
        }

        if (sampleRate < 8000)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleRate), sampleRate, "The sample rate must be at least 8000 Hz.");
        }

        if (samplesPerFrame <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(samplesPerFrame), samplesPerFrame, "Samples per frame must be positive.");
        }

        Duration = duration;
        SampleRate = sampleRate;
        SamplesPerFrame = samplesPerFrame;
        Seed = seed;
        _totalSamples = (long)Math.Round(duration.TotalSeconds * sampleRate, MidpointRounding.AwayFromZero);
        _rampSamples = (long)Math.Round(Ramp.TotalSeconds * sampleRate);
        _voices = Schedule(seed, _totalSamples, sampleRate);
        _noise = new SplitMix(0x5851F42D4C957F2DUL ^ (ulong)(uint)seed);
        _tremoloStepCos = Math.Cos(2 * Math.PI * TremoloHz / sampleRate);
        _tremoloStepSin = Math.Sin(2 * Math.PI * TremoloHz / sampleRate);
        Bursts = Array.ConvertAll(_voices, v => new SpeechBurst(ToTime(v.Start), ToTime(v.End)));
    }

    /// <summary>Length of the signal.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Samples per second.</summary>
    public int SampleRate { get; }

    /// <summary>Samples per frame (the last frame may hold fewer).</summary>
    public int SamplesPerFrame { get; }

    /// <summary>The seed the schedule was drawn from.</summary>
    public int Seed { get; }

    /// <summary>The voiced bursts in order; everything between them is the quiet noise floor.</summary>
    public IReadOnlyList<SpeechBurst> Bursts { get; }

    /// <inheritdoc />
    public override bool Produce(INodeOutput<AudioFrame> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var count = (int)Math.Min(SamplesPerFrame, _totalSamples - _position);
        if (count <= 0)
        {
            return false;
        }

        var samples = new float[count];
        for (var n = 0; n < count; n++)
        {
            samples[n] = (float)(NextSample(_position + n) + (NoiseLevel * _noise.Between(-1, 1)));
        }

        output.Emit(new AudioFrame(samples, SampleRate, 1, _sequence++, ToTime(_position)));
        _position += count;
        return _position < _totalSamples;
    }

    private double NextSample(long n)
    {
        while (_voice < _voices.Length && n >= _voices[_voice].End)
        {
            _voice++;
        }

        if (_voice == _voices.Length || n < _voices[_voice].Start)
        {
            return 0;
        }

        var voice = _voices[_voice];
        if (_loadedVoice != _voice)
        {
            Load(voice);
            _loadedVoice = _voice;
        }

        var progress = (double)(n - voice.Start) / (voice.End - voice.Start);
        var pitch = voice.PitchStart + ((voice.PitchEnd - voice.PitchStart) * progress);
        _pitchPhase += pitch / SampleRate;
        if (_pitchPhase >= 1)
        {
            _pitchPhase -= 1;
        }

        // One period of the voice's harmonic waveform, read with linear interpolation.
        var position = _pitchPhase * WaveTableSize;
        var index = (int)position;
        var wave = _wave[index] + ((position - index) * (_wave[index + 1] - _wave[index]));

        // The tremolo phasor turns by a fixed angle per sample.
        var tremolo = 0.75 + (0.25 * _tremoloSin);
        (_tremoloCos, _tremoloSin) = (
            (_tremoloCos * _tremoloStepCos) - (_tremoloSin * _tremoloStepSin),
            (_tremoloSin * _tremoloStepCos) + (_tremoloCos * _tremoloStepSin));
        return wave * tremolo * Envelope(n, voice);
    }

    private void Load(Voice voice)
    {
        // sin(k·θ) for k = 1..K by the Chebyshev recurrence: one sin and one cos per table point.
        var amplitudes = voice.Amplitudes;
        for (var i = 0; i <= WaveTableSize; i++)
        {
            var theta = 2 * Math.PI * i / WaveTableSize;
            var twoCos = 2 * Math.Cos(theta);
            double previous = 0, current = Math.Sin(theta), sum = 0;
            for (var k = 0; k < amplitudes.Length; k++)
            {
                sum += amplitudes[k] * current;
                var next = (twoCos * current) - previous;
                previous = current;
                current = next;
            }

            _wave[i] = sum;
        }

        _pitchPhase = 0;
        _tremoloCos = Math.Cos(voice.TremoloPhase);
        _tremoloSin = Math.Sin(voice.TremoloPhase);
    }

    private double Envelope(long n, Voice voice)
    {
        var fromStart = n - voice.Start;
        var toEnd = voice.End - 1 - n;
        var edge = Math.Min(fromStart, toEnd);
        if (edge >= _rampSamples)
        {
            return 1;
        }

        return 0.5 - (0.5 * Math.Cos(Math.PI * edge / _rampSamples));
    }

    private TimeSpan ToTime(long position) =>
        TimeSpan.FromTicks((long)((Int128)position * TimeSpan.TicksPerSecond / SampleRate));

    private static Voice[] Schedule(int seed, long totalSamples, int sampleRate)
    {
        var random = new SplitMix((ulong)(uint)seed);
        var voices = new List<Voice>();
        var t = 0.2;
        var total = (double)totalSamples / sampleRate;
        while (t < total)
        {
            var end = Math.Min(t + random.Between(0.25, 0.7), total);
            if (end - t >= 0.1)
            {
                var pitchStart = random.Between(95, 230);
                var pitchEnd = pitchStart * random.Between(0.75, 1.3);
                var formant1 = random.Between(350, 850);
                var formant2 = random.Between(1100, 2300);
                voices.Add(new Voice(
                    (long)Math.Round(t * sampleRate),
                    (long)Math.Round(end * sampleRate),
                    pitchStart,
                    pitchEnd,
                    Harmonics(Math.Max(pitchStart, pitchEnd), (pitchStart + pitchEnd) / 2, formant1, formant2),
                    random.Between(0, 2 * Math.PI)));
            }

            t = end + random.Between(0.2, 0.5);
        }

        return voices.ToArray();
    }

    private static double[] Harmonics(double highestPitch, double meanPitch, double formant1, double formant2)
    {
        var count = Math.Max(1, (int)(HighestHarmonicHz / highestPitch));
        var amplitudes = new double[count];
        var sum = 0.0;
        for (var k = 1; k <= count; k++)
        {
            var f = k * meanPitch;
            var resonance = 1 + (2.5 * Bump(f, formant1, 150)) + (1.5 * Bump(f, formant2, 250));
            amplitudes[k - 1] = resonance / k;
            sum += amplitudes[k - 1];
        }

        // Scale so that even all harmonics in phase stay below the peak level.
        for (var k = 0; k < count; k++)
        {
            amplitudes[k] *= PeakLevel / sum;
        }

        return amplitudes;
    }

    private static double Bump(double f, double centre, double width) => Math.Exp(-((f - centre) * (f - centre)) / (2 * width * width));

    private sealed record Voice(long Start, long End, double PitchStart, double PitchEnd, double[] Amplitudes, double TremoloPhase);

    /// <summary>SplitMix64: a tiny generator whose sequence is stable across runtimes, unlike System.Random's algorithms.</summary>
    private struct SplitMix
    {
        private ulong _state;

        public SplitMix(ulong seed) => _state = seed;

        public double Between(double low, double high)
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return low + ((high - low) * ((z >> 11) * (1.0 / (1UL << 53))));
        }
    }
}

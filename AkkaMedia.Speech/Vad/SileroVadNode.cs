using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Models;

namespace AkkaMedia.Speech.Vad;

/// <summary>
/// Voice activity detection with the Silero VAD network: passes every audio frame on unchanged and adds a
/// <see cref="SpeechStarted"/> when speech begins and a <see cref="SpeechSegment"/> when it ends.
/// </summary>
/// <remarks>
/// <para>Input: 16 kHz mono audio (put <c>Resample</c> and <c>ChannelMix</c> before it); any other format fails the
/// stream with a <see cref="FrameFormatException"/> saying so. Frames of any length are cut into 32 ms windows
/// across frame boundaries; media time counts from the first frame's timestamp.</para>
/// <para>Decision, per window: speech begins at the first window whose probability reaches <c>threshold</c>, and
/// ends when the probability has stayed below <c>threshold − 0.15</c> for <c>min-silence</c>. Both boundaries are
/// widened by <c>speech-pad</c> (none by default: the network's own smoothing already ends speech 30–80 ms after the
/// last sound, and <c>SpeechToText</c> gives its recognizer 200 ms of context either side). Events follow the frame that completed the deciding window, so the audio they
/// describe has already passed; the frames between a <see cref="SpeechStarted"/> and its
/// <see cref="SpeechSegment"/> are the speech. Speech still going on at end of stream is closed there.</para>
/// <para>The model file is loaded once per process and shared by every session (<c>model-path</c>, default
/// <c>silero_vad_v5.onnx</c> from <c>scripts/fetch-models.sh</c>); each session keeps its own recurrent state.
/// A window costs well under a millisecond, so it runs on the stream's thread. A missing or corrupt model fails
/// the stream when the node is initialized, with the path and the fix.</para>
/// </remarks>
public sealed class SileroVadNode : Node<AudioFrame, object>
{
    /// <summary>The sample rate the network takes.</summary>
    public const int SampleRate = SpeechAudio.SampleRate;

    private readonly float[] _window = new float[SileroVadModel.ContextSamples + SileroVadModel.WindowSamples];
    private readonly float[] _state = new float[SileroVadModel.StateLength];
    private readonly List<object> _events = [];
    private SharedModels<SileroVadModel>.ModelLease? _model;
    private int _filled;
    private long _windowsDone;
    private TimeSpan _origin;
    private bool _started;
    private bool _speaking;
    private TimeSpan _speechStart;
    private long _silenceSince = -1;
    private long _samples;

    /// <summary>Creates the node; the model is loaded (or shared) when it is initialized.</summary>
    /// <param name="modelPath">The Silero VAD v5 ONNX file; null to search the default places (see <see cref="Node{TIn,TOut}.Initialize"/>).</param>
    /// <param name="threshold">Speech probability that starts speech, in (0, 1).</param>
    /// <param name="minSilence">Silence that ends speech; zero or more.</param>
    /// <param name="speechPad">Added before each start and after each end; zero or more.</param>
    /// <param name="maxConcurrency">Windows the shared model runs at once across sessions; at least 1.</param>
    /// <param name="unloadAfter">How long the model stays loaded after its last session; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public SileroVadNode(
        string? modelPath = null,
        float threshold = 0.5f,
        TimeSpan? minSilence = null,
        TimeSpan? speechPad = null,
        int maxConcurrency = 0,
        TimeSpan? unloadAfter = null)
    {
        if (!(threshold > 0f && threshold < 1f))
        {
            throw new ArgumentOutOfRangeException("threshold", threshold, "threshold is a speech probability between 0 and 1 (exclusive); 0.5 is the model's usual setting.");
        }

        MinSilence = minSilence ?? TimeSpan.FromMilliseconds(300);
        SpeechPad = speechPad ?? TimeSpan.Zero;
        UnloadAfter = unloadAfter ?? TimeSpan.FromMinutes(5);
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSilence, TimeSpan.Zero, "min-silence");
        ArgumentOutOfRangeException.ThrowIfLessThan(SpeechPad, TimeSpan.Zero, "speech-pad");
        ArgumentOutOfRangeException.ThrowIfLessThan(UnloadAfter, TimeSpan.Zero, "unload-after");
        ArgumentOutOfRangeException.ThrowIfNegative(maxConcurrency, "max-concurrency");
        ModelPath = modelPath;
        Threshold = threshold;
        MaxConcurrency = maxConcurrency == 0 ? Environment.ProcessorCount : maxConcurrency;
    }

    /// <inheritdoc />
    public override string Name => "SileroVad";

    /// <summary>The configured model file, or null for the default places.</summary>
    public string? ModelPath { get; }

    /// <summary>Speech probability that starts speech.</summary>
    public float Threshold { get; }

    /// <summary>Silence that ends speech.</summary>
    public TimeSpan MinSilence { get; }

    /// <summary>Padding added before each start and after each end.</summary>
    public TimeSpan SpeechPad { get; }

    /// <summary>Windows the shared model runs at once across sessions.</summary>
    public int MaxConcurrency { get; }

    /// <summary>How long the shared model stays loaded after its last session.</summary>
    public TimeSpan UnloadAfter { get; }

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        var path = ModelFiles.Resolve(ModelPath, SileroVadModel.DefaultFileName, "SileroVad");
        _model = ProcessModels.Vad.Acquire(path, MaxConcurrency, UnloadAfter);
    }

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<object> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        SpeechAudio.Require(input, Name);

        if (!_started)
        {
            _started = true;
            _origin = input.Timestamp;
        }

        var samples = input.Samples.Span;
        while (samples.Length > 0)
        {
            var take = Math.Min(SileroVadModel.WindowSamples - _filled, samples.Length);
            samples[..take].CopyTo(_window.AsSpan(SileroVadModel.ContextSamples + _filled));
            _filled += take;
            samples = samples[take..];
            if (_filled == SileroVadModel.WindowSamples)
            {
                Decide(RunWindow());
            }
        }

        _samples += input.SamplesPerChannel;
        output.Emit(input);
        foreach (var e in _events)
        {
            output.Emit(e);
        }

        _events.Clear();
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<object> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_speaking)
        {
            _speaking = false;
            output.Emit(new SpeechSegment(_speechStart, Time(_samples)));
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _model?.Dispose();
            _model = null;
        }
    }

    private float RunWindow()
    {
        var probability = _model!.Run(model => model.Probability(_window, _state));
        // The last 64 samples of this window are the next one's context.
        _window.AsSpan(SileroVadModel.WindowSamples, SileroVadModel.ContextSamples).CopyTo(_window);
        _filled = 0;
        _windowsDone++;
        return probability;
    }

    private void Decide(float probability)
    {
        var windowEnd = _windowsDone * SileroVadModel.WindowSamples;
        var windowStart = windowEnd - SileroVadModel.WindowSamples;
        if (probability >= Threshold)
        {
            _silenceSince = -1;
            if (!_speaking)
            {
                _speaking = true;
                var padded = Time(windowStart) - SpeechPad;
                _speechStart = padded < _origin ? _origin : padded;
                _events.Add(new SpeechStarted(_speechStart));
            }

            return;
        }

        if (!_speaking || probability >= Threshold - 0.15f)
        {
            return;
        }

        if (_silenceSince < 0)
        {
            _silenceSince = windowStart;
        }

        if (windowEnd - _silenceSince >= MinSilence.TotalSeconds * SampleRate)
        {
            _speaking = false;
            _events.Add(new SpeechSegment(_speechStart, Time(_silenceSince) + SpeechPad));
            _silenceSince = -1;
        }
    }

    private TimeSpan Time(long sample) => _origin + TimeSpan.FromTicks(sample * TimeSpan.TicksPerSecond / SampleRate);
}

using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace AkkaMedia.Speech.Stt;

/// <summary>
/// Collects the audio of each utterance that voice activity detection marks (<see cref="SpeechStarted"/> …
/// <see cref="SpeechSegment"/>) and has an <see cref="ISpeechRecognizer"/> transcribe it, off the stream's thread.
/// Use it through <see cref="SpeechToText.Flow"/>, which puts each <see cref="Transcript"/> in the stream where its
/// utterance ended.
/// </summary>
/// <remarks>
/// <para>The recognizer hears up to 200 ms of the audio before and after each utterance as well (what the stream still
/// holds): a moment of silence before the first word makes it far likelier to be heard right. The transcript carries
/// the utterance's own times.</para>
/// <para>Input: 16 kHz mono audio frames and the VAD's events, in stream order (put <c>SileroVad</c> before it).
/// Without any VAD event the whole stream is one utterance, cut every <c>max-utterance</c>. Speech still open at end
/// of stream is transcribed up to the last frame. An utterance longer than <c>max-utterance</c> is transcribed in
/// pieces of that length.</para>
/// <para>Output: the VAD's events and every other non-audio element pass on unchanged; audio frames pass on only with
/// <c>pass-audio = true</c> (a remote recognizer then does not send the audio back). Transcripts follow the
/// <see cref="SpeechSegment"/> of their utterance, in order, even when a later utterance is recognized first.</para>
/// <para>A recognition that fails fails the stream with a <see cref="NodeException"/> around the engine's error. At end
/// of stream the recognitions under way finish and their transcripts are delivered; when the stream fails or is
/// cancelled they are cancelled. The recognizer is disposed once none is running.</para>
/// </remarks>
public sealed class SpeechToTextNode : Node<object, object>
{
    private const int SampleRate = SpeechAudio.SampleRate;
    private static readonly TimeSpan PreRoll = TimeSpan.FromMilliseconds(500);

    /// <summary>Audio around each utterance given to the recognizer besides it: recognizers hear the first word better after a moment of silence.</summary>
    private static readonly TimeSpan Context = TimeSpan.FromMilliseconds(200);

    private readonly ISpeechRecognizer _recognizer;
    private readonly List<Task> _running = [];
    private float[] _audio = new float[SampleRate * 4];
    private int _count;
    private TimeSpan _audioStart;
    private bool _sawAudio;
    private bool _sawVad;
    private readonly CancellationTokenSource _cancel = new();
    private TimeSpan? _utteranceStart;
    private bool _completed;

    /// <summary>Creates the node; the recognizer is opened when the node is initialized and disposed by the node.</summary>
    /// <param name="recognizer">The engine; this node owns it.</param>
    /// <param name="passAudio">Whether audio frames pass on (false: only events and transcripts leave the node).</param>
    /// <param name="maxUtterance">Longest audio transcribed at once; at least one second.</param>
    public SpeechToTextNode(ISpeechRecognizer recognizer, bool passAudio = false, TimeSpan? maxUtterance = null)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        MaxUtterance = maxUtterance ?? TimeSpan.FromSeconds(30);
        if (MaxUtterance < TimeSpan.FromSeconds(1))
        {
            recognizer.Dispose();
            throw new ArgumentOutOfRangeException("max-utterance", MaxUtterance, "max-utterance must be at least 1s.");
        }

        _recognizer = recognizer;
        PassAudio = passAudio;
    }

    /// <summary>Whether audio frames pass on.</summary>
    public bool PassAudio { get; }

    /// <summary>Longest audio transcribed at once.</summary>
    public TimeSpan MaxUtterance { get; }

    /// <inheritdoc />
    public override string Name => "SpeechToText";

    /// <inheritdoc />
    public override void Initialize(NodeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _recognizer.Open();
    }

    /// <inheritdoc />
    public override void Process(object input, INodeOutput<object> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        switch (input)
        {
            case AudioFrame frame:
                Append(frame, output);
                if (PassAudio)
                {
                    output.Emit(frame);
                }

                return;
            case SpeechStarted started:
                _sawVad = true;
                _utteranceStart = started.Start;
                output.Emit(started);
                return;
            case SpeechSegment segment:
                _sawVad = true;
                output.Emit(segment);
                Recognize(segment.Start, segment.End, output);
                _utteranceStart = null;
                Trim();
                return;
            default:
                output.Emit(input);
                return;
        }
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<object> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _completed = true;
        if (_count > 0 && (!_sawVad || _utteranceStart is not null))
        {
            Recognize(_utteranceStart ?? _audioStart, End, output);
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        // After a normal end, the last recognitions finish and their transcripts are delivered; after a failure or a
        // cancellation they are cancelled. Either way the recognizer (and its share of the model) is released once they end.
        if (!_completed)
        {
            _cancel.Cancel();
        }

        _running.RemoveAll(t => t.IsCompleted);
        var recognizer = _recognizer;
        var cancel = _cancel;
        if (_running.Count == 0)
        {
            recognizer.Dispose();
            cancel.Dispose();
        }
        else
        {
            _ = Task.WhenAll(_running).ContinueWith(
                finished =>
                {
                    _ = finished.Exception; // a cancelled stream never awaited them: their errors end here, observed
                    recognizer.Dispose();
                    cancel.Dispose();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private TimeSpan End => _audioStart + Duration(_count);

    private static TimeSpan Duration(int samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / SampleRate);

    private static int Samples(TimeSpan time) => (int)Math.Round(time.TotalSeconds * SampleRate);

    private void Append(AudioFrame frame, INodeOutput<object> output)
    {
        SpeechAudio.Require(frame, Name);

        if (!_sawAudio)
        {
            _sawAudio = true;
            _audioStart = frame.Timestamp;
        }

        var samples = frame.Samples.Span;
        if (_count + samples.Length > _audio.Length)
        {
            Array.Resize(ref _audio, Math.Max(_audio.Length * 2, _count + samples.Length));
        }

        samples.CopyTo(_audio.AsSpan(_count));
        _count += samples.Length;

        // An utterance (or, without VAD, the stream) that reaches the limit is transcribed now and continues after it.
        var from = _utteranceStart ?? (_sawVad ? (TimeSpan?)null : _audioStart);
        if (from is { } start && End - start >= MaxUtterance)
        {
            Recognize(start, End, output);
            _utteranceStart = _utteranceStart is null ? null : End;
            Trim();
        }
        else if (from is null)
        {
            Trim();
        }
    }

    private void Recognize(TimeSpan start, TimeSpan end, INodeOutput<object> output)
    {
        var first = Math.Clamp(Samples(start - Context - _audioStart), 0, _count);
        var last = Math.Clamp(Samples(end + Context - _audioStart), first, _count);
        var samples = _audio.AsSpan(first, last - first).ToArray();
        var task = RecognizeAsync(samples, start, end);
        _running.RemoveAll(t => t.IsCompleted);
        _running.Add(task);
        output.Emit(new PendingTranscript(task));
    }

    private async Task<Transcript> RecognizeAsync(float[] samples, TimeSpan start, TimeSpan end)
    {
        string text;
        try
        {
            text = await _recognizer.RecognizeAsync(samples, _cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new NodeException(Name, $"recognize ({_recognizer.Name}, utterance {start.TotalSeconds:0.###}–{end.TotalSeconds:0.###} s)", e);
        }

        return new Transcript(text.Trim(), start, end);
    }

    /// <summary>Keeps the audio an utterance may still need: from its start, or the last half second while nobody speaks.</summary>
    private void Trim()
    {
        var keepFrom = _utteranceStart ?? End - PreRoll;
        var drop = Math.Clamp(Samples(keepFrom - _audioStart), 0, _count);
        if (drop == 0)
        {
            return;
        }

        _audio.AsSpan(drop, _count - drop).CopyTo(_audio);
        _count -= drop;
        _audioStart += Duration(drop);
    }
}

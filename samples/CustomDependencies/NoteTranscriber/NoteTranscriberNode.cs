using System.Globalization;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using CustomMath;
using Fractions;

namespace NoteTranscriber;

/// <summary>
/// Listens to a melody of steady tones and writes down each note it hears, with the interval from the note
/// before: one <see cref="TextFrame"/> per note, such as
/// <c>note 2: C#5, 554.4 Hz, 500 ms, major third up (5/4), 5/4 from note 1</c>.
/// </summary>
/// <remarks>
/// <para>Each audio frame is one analysis block: its channels are averaged, its strongest partial found
/// (<see cref="Spectrum.DominantFrequency"/>, from the local CustomMath library) and named
/// (<see cref="MusicalNote.Nearest"/>). Consecutive frames with the same note make one note; a frame quieter
/// than <see cref="SilenceLevel"/> (RMS) ends the note without starting another. A note is written when it
/// ends, with the mean of its frames' frequencies, its length, and its <see cref="JustInterval"/> from the
/// previous note and from the first one as exact ratios (the Fractions package); the last note at end of
/// stream.</para>
/// <para>Frames should be long enough to resolve a note (2,400 samples at 48 kHz, 50 ms, tell semitones
/// apart from about 100 Hz up). Output frames are numbered from 0 and stamped with the note's start.</para>
/// </remarks>
public sealed class NoteTranscriberNode : Node<AudioFrame, TextFrame>
{
    /// <summary>RMS level under which a frame counts as silence.</summary>
    public const double SilenceLevel = 0.01;

    private MusicalNote? _note;
    private TimeSpan _noteStart;
    private long _noteSamples;
    private double _frequencySum;
    private int _noteFrames;
    private int _rate;
    private long _written;
    private MusicalNote? _previous;
    private Fraction _fromFirst = Fraction.One;

    /// <inheritdoc />
    public override void Process(AudioFrame input, INodeOutput<TextFrame> output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var mono = Mono(input);
        var level = Math.Sqrt(mono.Sum(static x => (double)x * x) / Math.Max(1, mono.Length));
        if (level < SilenceLevel)
        {
            Finish(output);
            return;
        }

        var frequency = Spectrum.DominantFrequency(mono, input.SampleRate);
        var note = MusicalNote.Nearest(frequency);
        if (note != _note || input.SampleRate != _rate)
        {
            Finish(output);
            _note = note;
            _noteStart = input.Timestamp;
            _rate = input.SampleRate;
        }

        _noteSamples += input.SamplesPerChannel;
        _frequencySum += frequency;
        _noteFrames++;
    }

    /// <inheritdoc />
    public override void Complete(INodeOutput<TextFrame> output) => Finish(output);

    private static float[] Mono(AudioFrame frame)
    {
        var samples = frame.Samples.Span;
        var mono = new float[frame.SamplesPerChannel];
        for (var i = 0; i < mono.Length; i++)
        {
            var sum = 0f;
            for (var channel = 0; channel < frame.Channels; channel++)
            {
                sum += samples[(i * frame.Channels) + channel];
            }

            mono[i] = sum / frame.Channels;
        }

        return mono;
    }

    private void Finish(INodeOutput<TextFrame> output)
    {
        if (_note is null)
        {
            return;
        }

        _written++;
        var c = CultureInfo.InvariantCulture;
        var length = TimeSpan.FromTicks(_noteSamples * TimeSpan.TicksPerSecond / _rate);
        var text = string.Create(c, $"note {_written}: {_note.Name}, {_frequencySum / _noteFrames:0.0} Hz, {length.TotalMilliseconds:0} ms");
        if (_previous is not null)
        {
            var step = JustInterval.Of(_note.MidiNumber - _previous.MidiNumber);
            _fromFirst *= step.Ratio;
            text += $", {step.Name} ({JustInterval.Format(step.Ratio)}), {JustInterval.Format(_fromFirst)} from note 1";
        }

        output.Emit(new TextFrame(text, _written - 1, _noteStart));
        _previous = _note;
        _note = null;
        _noteSamples = 0;
        _frequencySum = 0;
        _noteFrames = 0;
    }
}

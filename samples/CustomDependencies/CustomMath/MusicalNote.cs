namespace CustomMath;

/// <summary>A note of the equal-tempered scale with A4 = 440 Hz, named as in scientific pitch notation (<c>C#5</c>).</summary>
/// <param name="Name">The note's name with its octave: <c>A4</c>, <c>C#5</c>.</param>
/// <param name="MidiNumber">Its MIDI note number (A4 = 69).</param>
public sealed record MusicalNote(string Name, int MidiNumber)
{
    private static readonly string[] Names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];

    /// <summary>The note's exact frequency in Hz.</summary>
    public double Frequency => 440 * Math.Pow(2, (MidiNumber - 69) / 12.0);

    /// <summary>The note nearest to <paramref name="frequency"/> (Hz), within half a semitone.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="frequency"/> is not a positive, finite number, or lies outside MIDI's range.</exception>
    public static MusicalNote Nearest(double frequency)
    {
        if (!double.IsFinite(frequency) || frequency <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "A frequency is a positive, finite number of Hz.");
        }

        var midi = (int)Math.Round(69 + (12 * Math.Log2(frequency / 440)));
        if (midi is < 0 or > 127)
        {
            throw new ArgumentOutOfRangeException(nameof(frequency), frequency, "The frequency lies outside the MIDI range (8 Hz to 12.5 kHz).");
        }

        return new MusicalNote(Names[midi % 12] + ((midi / 12) - 1), midi);
    }
}

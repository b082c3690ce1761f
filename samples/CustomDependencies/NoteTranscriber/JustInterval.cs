using Fractions;

namespace NoteTranscriber;

/// <summary>
/// The interval between two notes of the equal-tempered scale, named and given as the frequency ratio of
/// 5-limit just intonation that it approximates (a major third: 5/4, a perfect fifth: 3/2). Ratios are exact
/// fractions (the Fractions package), so intervals multiply without rounding: a major third and a minor third
/// make 5/4 × 6/5 = 3/2, a perfect fifth.
/// </summary>
/// <param name="Semitones">The distance in semitones; negative when the second note is lower.</param>
/// <param name="Name">The interval's name, with its direction: <c>major third up</c>.</param>
/// <param name="Ratio">Frequency of the second note over that of the first, in just intonation.</param>
public sealed record JustInterval(int Semitones, string Name, Fraction Ratio)
{
    private static readonly (string Name, Fraction Ratio)[] WithinOctave =
    [
        ("unison", new Fraction(1, 1)),
        ("minor second", new Fraction(16, 15)),
        ("major second", new Fraction(9, 8)),
        ("minor third", new Fraction(6, 5)),
        ("major third", new Fraction(5, 4)),
        ("perfect fourth", new Fraction(4, 3)),
        ("tritone", new Fraction(45, 32)),
        ("perfect fifth", new Fraction(3, 2)),
        ("minor sixth", new Fraction(8, 5)),
        ("major sixth", new Fraction(5, 3)),
        ("minor seventh", new Fraction(9, 5)),
        ("major seventh", new Fraction(15, 8)),
    ];

    /// <summary>The interval of <paramref name="semitones"/> semitones (any sign; octaves are factors of 2).</summary>
    public static JustInterval Of(int semitones)
    {
        var distance = Math.Abs(semitones);
        var (name, ratio) = WithinOctave[distance % 12];
        var octaves = distance / 12;
        ratio *= Fraction.Pow(new Fraction(2, 1), octaves);
        if (octaves > 0)
        {
            name = distance % 12 == 0
                ? (octaves == 1 ? "octave" : $"{octaves} octaves")
                : $"{name} plus {(octaves == 1 ? "an octave" : $"{octaves} octaves")}";
        }

        return semitones switch
        {
            0 => new JustInterval(0, name, ratio),
            > 0 => new JustInterval(semitones, name + " up", ratio),
            _ => new JustInterval(semitones, name + " down", ratio.Reciprocal()),
        };
    }

    /// <summary>A ratio as <c>numerator/denominator</c>, whole numbers included (<c>2/1</c>).</summary>
    public static string Format(Fraction ratio) => $"{ratio.Numerator}/{ratio.Denominator}";
}

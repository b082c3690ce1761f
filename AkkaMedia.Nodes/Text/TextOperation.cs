namespace AkkaMedia.Nodes.Text;

/// <summary>
/// What <see cref="TextProcessorNode"/> computes from a text. Words are the runs of characters
/// between white space. Configuration files may name an operation in snake_case
/// (<c>word_count</c>); see <see cref="TextProcessorNode.TryParseOperation"/>.
/// </summary>
public enum TextOperation
{
    /// <summary>The text in upper case (invariant culture).</summary>
    Uppercase,

    /// <summary>The text in lower case (invariant culture).</summary>
    Lowercase,

    /// <summary>The text without leading and trailing white space.</summary>
    Trim,

    /// <summary>The text backwards, by user-perceived characters (a letter with its accents, an emoji with its modifiers stay whole).</summary>
    Reverse,

    /// <summary>The number of words, in decimal digits.</summary>
    WordCount,

    /// <summary>The number of Unicode code points (a character outside the Basic Multilingual Plane counts once), in decimal digits.</summary>
    CharCount,

    /// <summary>Every word with its first letter in upper case and the rest in lower case; white space kept as it was.</summary>
    TitleCase,

    /// <summary>The text without any white space (spaces, tabs, line breaks).</summary>
    RemoveSpaces,

    /// <summary>The first word, or the empty string when there is none.</summary>
    FirstWord,

    /// <summary>The last word, or the empty string when there is none.</summary>
    LastWord,
}

namespace AkkaMedia.Host.Tests;

/// <summary>The words of a sentence or a transcript, lower case, without punctuation, for comparing what was said with what was heard.</summary>
internal static class SpokenWords
{
    public static string[] Of(string text) =>
        text.ToLowerInvariant().Split([' ', ',', '.', '?', '!'], StringSplitOptions.RemoveEmptyEntries);
}

namespace AkkaMedia.LoadTest;

/// <summary>The outcome of one scenario, printed as one JSON line.</summary>
internal interface IScenarioResult
{
    /// <summary>True when the scenario completed without errors and lost no frame.</summary>
    bool Succeeded { get; }

    /// <summary>A Markdown table of the main figures, printed on stdout after the JSON line; null for none.</summary>
    string? MarkdownTable() => null;
}

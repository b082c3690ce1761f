namespace AkkaMedia.Fuzz;

/// <summary>An input that broke a parser's contract, and how.</summary>
/// <param name="Target">The parser.</param>
/// <param name="Kind">What went wrong: an undocumented exception, an allocation out of proportion, a slow input.</param>
/// <param name="Input">The input (the smallest seen of this kind).</param>
/// <param name="Exception">The exception, when one escaped.</param>
internal sealed record Finding(string Target, string Kind, byte[] Input, Exception? Exception)
{
    /// <summary>A one-line description with the input in hex (cut at 64 bytes).</summary>
    public override string ToString() =>
        $"{Target}: {Kind} on {Input.Length} bytes [{Convert.ToHexString(Input.AsSpan(0, Math.Min(64, Input.Length)))}{(Input.Length > 64 ? "…" : "")}]"
        + (Exception is null ? "" : $": {Exception.GetType().Name}: {Exception.Message}");
}

namespace AkkaMedia.Speech.Stt;

/// <summary>
/// A speech-to-text engine as <see cref="SpeechToTextNode"/> uses it: one instance per session, opened when the
/// node starts and disposed when it stops. Engines that load a model share it across sessions of the process.
/// </summary>
public interface ISpeechRecognizer : IDisposable
{
    /// <summary>The engine's name in logs and errors (<c>moonshine</c>, <c>whisper</c>).</summary>
    string Name { get; }

    /// <summary>Loads the model, or takes a share of the loaded one; throws a clear error when it cannot (missing or corrupt file).</summary>
    void Open();

    /// <summary>
    /// The text spoken in <paramref name="samples"/> (16 kHz mono, one utterance). Runs on the thread pool, never on the
    /// caller's thread; waits for a slot when the shared model is at its concurrency limit. The caller gives up the
    /// array. Calls may overlap; results are independent.
    /// </summary>
    Task<string> RecognizeAsync(float[] samples, CancellationToken cancellationToken);
}

using AkkaMedia.Speech.Models;

namespace AkkaMedia.Speech.Stt;

/// <summary>The built-in speech-to-text engines, by the names pipeline files use.</summary>
public static class SpeechRecognizers
{
    /// <summary>The engine names <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Engines { get; } = ["moonshine", "whisper"];

    /// <summary>
    /// A recognizer of engine <paramref name="engine"/>; nothing is loaded until it is opened.
    /// <list type="bullet">
    /// <item><c>moonshine</c> (the default): Moonshine tiny, English, in ONNX Runtime. <paramref name="modelPath"/> is the
    /// folder holding its three files; by default <c>moonshine-tiny</c> from <c>scripts/fetch-models.sh</c>.</item>
    /// <item><c>whisper</c>: Whisper through Whisper.net; <paramref name="modelPath"/> (required) is a ggml model file.</item>
    /// </list>
    /// </summary>
    /// <param name="engine">Engine name, case-insensitive.</param>
    /// <param name="modelPath">The model (see above).</param>
    /// <param name="language">Language code for Whisper (<c>en</c>, <c>auto</c>); Moonshine tiny is English only.</param>
    /// <param name="maxConcurrency">Recognitions the shared model runs at once across sessions; 0 for one per core.</param>
    /// <param name="unloadAfter">How long the shared model stays loaded after its last session.</param>
    /// <exception cref="ArgumentException">Unknown engine, or Whisper without a model path; the message says what to set.</exception>
    public static ISpeechRecognizer Create(string engine, string? modelPath, string language, int maxConcurrency, TimeSpan unloadAfter)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfNegative(maxConcurrency, "max-concurrency");
        ArgumentOutOfRangeException.ThrowIfLessThan(unloadAfter, TimeSpan.Zero, "unload-after");
        var slots = maxConcurrency == 0 ? Environment.ProcessorCount : maxConcurrency;
        switch (engine.ToLowerInvariant())
        {
            case "moonshine":
                if (!string.Equals(language, "en", StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException($"The moonshine engine (Moonshine tiny) recognizes English only, not '{language}': use language = en, or engine = whisper with a multilingual model.", "language");
                }

                return new SharedModelRecognizer<MoonshineModel>(
                    "moonshine",
                    ProcessModels.Moonshine,
                    () => ResolveMoonshine(modelPath),
                    static (model, samples, token) => Task.FromResult(model.Recognize(samples, token)),
                    slots,
                    unloadAfter);
            case "whisper":
                if (string.IsNullOrWhiteSpace(modelPath))
                {
                    throw new ArgumentException("The whisper engine needs model-path: a Whisper ggml model file (ggml-base.en.bin, ...). No Whisper weights are fetched by scripts/fetch-models.sh.", "model-path");
                }

                var whisperLanguage = language;
                return new SharedModelRecognizer<WhisperModel>(
                    "whisper",
                    ProcessModels.Whisper,
                    () => Path.GetFullPath(modelPath),
                    (model, samples, token) => model.RecognizeAsync(samples, whisperLanguage, token),
                    slots,
                    unloadAfter);
            default:
                throw new ArgumentException($"Unknown speech-to-text engine '{engine}'; use one of {string.Join(", ", Engines)}.", "engine");
        }
    }

    private static string ResolveMoonshine(string? folder)
    {
        if (!string.IsNullOrWhiteSpace(folder))
        {
            var full = Path.GetFullPath(folder);
            return Directory.Exists(full)
                ? full
                : throw new DirectoryNotFoundException($"SpeechToText: Moonshine model folder '{full}' (its model-path setting) does not exist. Fetch the models with scripts/fetch-models.sh, or point model-path at the folder.");
        }

        return Path.GetDirectoryName(ModelFiles.Resolve(null, Path.Combine(MoonshineModel.DefaultFolder, "encoder_model.onnx"), "SpeechToText"))!;
    }
}

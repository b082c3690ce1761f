using System.Text;
using Whisper.net;

namespace AkkaMedia.Speech.Stt;

/// <summary>
/// A Whisper model in ggml format (<c>ggml-base.en.bin</c> and the like) loaded through Whisper.net's native CPU
/// runtime. Each recognition gets its own processor, so concurrent calls are safe.
/// </summary>
internal sealed class WhisperModel : IDisposable
{
    private readonly WhisperFactory _factory;

    private WhisperModel(WhisperFactory factory)
    {
        _factory = factory;
    }

    /// <summary>Loads the ggml file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">The file is not a Whisper ggml model, or the native runtime cannot load it.</exception>
    public static WhisperModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"SpeechToText (whisper): model file '{path}' does not exist. Set model-path to a Whisper ggml file (ggml-base.en.bin, ...).", path);
        }

        try
        {
            // The factory reads the file lazily: build one processor now so a bad file fails here, with its path.
            var factory = WhisperFactory.FromPath(path);
            try
            {
                factory.CreateBuilder().Build().Dispose();
            }
            catch
            {
                factory.Dispose();
                throw;
            }

            return new WhisperModel(factory);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException(
                $"SpeechToText (whisper): '{path}' could not be loaded as a Whisper ggml model ({e.Message.Trim()}). Use a ggml model file (ggml-tiny.en.bin, ggml-base.en.bin, ...); " +
                "the native runtime needs libgomp1 on Linux.", e);
        }
    }

    /// <summary>The text spoken in <paramref name="audio"/> (16 kHz mono).</summary>
    public async Task<string> RecognizeAsync(float[] audio, string language, CancellationToken cancellationToken)
    {
        using var processor = _factory.CreateBuilder().WithLanguage(language).WithThreads(1).Build();
        var text = new StringBuilder();
        await foreach (var segment in processor.ProcessAsync(audio, cancellationToken).ConfigureAwait(false))
        {
            text.Append(segment.Text);
        }

        return text.ToString().Trim();
    }

    /// <inheritdoc />
    public void Dispose() => _factory.Dispose();
}

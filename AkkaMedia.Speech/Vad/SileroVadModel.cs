using AkkaMedia.Speech.Models;
using Microsoft.ML.OnnxRuntime;

namespace AkkaMedia.Speech.Vad;

/// <summary>
/// The Silero VAD (v5) network loaded in ONNX Runtime: given 512 new samples at 16 kHz (plus the 64 before them)
/// and the recurrent state of the stream, the probability that the window is speech. One instance serves every
/// stream of the process; each stream keeps its own state, so concurrent calls are safe.
/// </summary>
internal sealed class SileroVadModel : IDisposable
{
    /// <summary>The file <c>scripts/fetch-models.sh</c> installs.</summary>
    public const string DefaultFileName = "silero_vad_v5.onnx";

    /// <summary>New samples per window at 16 kHz (32 ms).</summary>
    public const int WindowSamples = 512;

    /// <summary>Samples of the previous window fed again in front of each window.</summary>
    public const int ContextSamples = 64;

    /// <summary>Floats in the recurrent state (2 × 1 × 128).</summary>
    public const int StateLength = 2 * 128;

    private static readonly RunOptions RunDefaults = new();
    private static readonly long[] InputShape = [1, ContextSamples + WindowSamples];
    private static readonly long[] StateShape = [2, 1, 128];
    private static readonly string[] InputNames = ["input", "state", "sr"];
    private static readonly string[] OutputNames = ["output", "stateN"];

    private readonly InferenceSession _session;
    private readonly OrtValue _sampleRate;

    private SileroVadModel(InferenceSession session)
    {
        _session = session;
        _sampleRate = OrtValue.CreateTensorValueFromMemory(new long[] { 16000 }, []);
    }

    /// <summary>Loads the model from <paramref name="path"/> (one thread per inference: a window is far too small to split).</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model, or not the Silero VAD v5 network.</exception>
    public static SileroVadModel Load(string path)
    {
        var session = OnnxModels.Open(path, "SileroVad", "The file is corrupt or is not Silero VAD: fetch it again with scripts/fetch-models.sh.");

        var inputs = session.InputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        var outputs = session.OutputMetadata.Keys.ToHashSet(StringComparer.Ordinal);
        if (!InputNames.All(inputs.Contains) || !OutputNames.All(outputs.Contains))
        {
            session.Dispose();
            throw new InvalidDataException(
                $"SileroVad: '{path}' is an ONNX model but not Silero VAD v5 (inputs {string.Join(", ", inputs)}; outputs {string.Join(", ", outputs)}; " +
                $"expected inputs {string.Join(", ", InputNames)} and outputs {string.Join(", ", OutputNames)}). Use silero_vad_v5.onnx from scripts/fetch-models.sh.");
        }

        return new SileroVadModel(session);
    }

    /// <summary>
    /// The speech probability of one window. <paramref name="input"/> holds the 64 context samples then the 512 new
    /// ones; <paramref name="state"/> (256 floats) is read and replaced by the state after the window.
    /// </summary>
    public float Probability(float[] input, float[] state)
    {
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, InputShape);
        using var stateValue = OrtValue.CreateTensorValueFromMemory(state, StateShape);
        using var results = _session.Run(RunDefaults, InputNames, [inputValue, stateValue, _sampleRate], OutputNames);
        results[1].GetTensorDataAsSpan<float>().CopyTo(state);
        return results[0].GetTensorDataAsSpan<float>()[0];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _sampleRate.Dispose();
        _session.Dispose();
    }
}

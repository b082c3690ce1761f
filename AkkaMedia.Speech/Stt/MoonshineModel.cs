using System.Text;
using AkkaMedia.Speech.Models;
using Microsoft.ML.OnnxRuntime;

namespace AkkaMedia.Speech.Stt;

/// <summary>
/// Moonshine tiny (English), an encoder-decoder speech recognizer in ONNX: the encoder reads raw 16 kHz audio, the
/// decoder writes sentencepiece tokens greedily with its key/value cache. Loaded from a folder holding
/// <c>encoder_model.onnx</c>, <c>decoder_model_merged.onnx</c> and <c>tokenizer-vocab.txt</c> (one piece per line),
/// as <c>scripts/fetch-models.sh</c> installs them. Thread-safe: each call has its own cache.
/// </summary>
internal sealed class MoonshineModel : IDisposable
{
    /// <summary>The folder <c>scripts/fetch-models.sh</c> installs.</summary>
    public const string DefaultFolder = "moonshine-tiny";

    private const long StartToken = 1;
    private const long EndToken = 2;
    private const int TokensPerSecond = 13;
    private const string PastPrefix = "past_key_values.";
    private const string PresentPrefix = "present.";
    private const string FetchAgain = "Fetch the models again with scripts/fetch-models.sh.";

    private static readonly RunOptions RunDefaults = new();
    private static readonly string[] EncoderInputs = ["input_values"];
    private static readonly string[] EncoderOutputs = ["last_hidden_state"];

    private readonly InferenceSession _encoder;
    private readonly InferenceSession _decoder;
    private readonly string[] _vocabulary;
    private readonly string[] _pastNames;
    private readonly string[] _decoderInputs;
    private readonly string[] _decoderOutputs;
    private readonly int[] _presentToPast;
    private readonly bool[] _presentIsDecoder;
    private readonly int _heads;
    private readonly int _headSize;

    private MoonshineModel(InferenceSession encoder, InferenceSession decoder, string[] vocabulary)
    {
        _encoder = encoder;
        _decoder = decoder;
        _vocabulary = vocabulary;
        _pastNames = decoder.InputMetadata.Keys.Where(k => k.StartsWith(PastPrefix, StringComparison.Ordinal)).ToArray();
        _decoderInputs = ["input_ids", "encoder_hidden_states", "use_cache_branch", .. _pastNames];
        _decoderOutputs = decoder.OutputMetadata.Keys.ToArray();
        _presentToPast = _decoderOutputs
            .Select(o => o.StartsWith(PresentPrefix, StringComparison.Ordinal) ? Array.IndexOf(_pastNames, PastPrefix + o[PresentPrefix.Length..]) : -1)
            .ToArray();
        _presentIsDecoder = _decoderOutputs.Select(o => o.Contains(".decoder.", StringComparison.Ordinal)).ToArray();
        var dims = decoder.InputMetadata[_pastNames[0]].Dimensions;
        _heads = dims[1];
        _headSize = dims[3];
    }

    /// <summary>Loads the three files from <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message names it and the fix.</exception>
    /// <exception cref="InvalidDataException">A file is not the Moonshine model it should be.</exception>
    public static MoonshineModel Load(string folder)
    {
        string File(string name)
        {
            var path = Path.Combine(folder, name);
            return System.IO.File.Exists(path)
                ? path
                : throw new FileNotFoundException($"SpeechToText: the Moonshine model folder '{folder}' has no {name}. Fetch the models with scripts/fetch-models.sh.", path);
        }

        var encoderPath = File("encoder_model.onnx");
        var decoderPath = File("decoder_model_merged.onnx");
        var vocabulary = System.IO.File.ReadAllText(File("tokenizer-vocab.txt"), Encoding.UTF8).Split('\n');
        if (vocabulary.Length < 32000)
        {
            throw new InvalidDataException($"SpeechToText: '{Path.Combine(folder, "tokenizer-vocab.txt")}' holds {vocabulary.Length} pieces, not Moonshine's 32,000. {FetchAgain}");
        }

        var encoder = OnnxModels.Open(encoderPath, "SpeechToText", FetchAgain);
        InferenceSession decoder;
        try
        {
            decoder = OnnxModels.Open(decoderPath, "SpeechToText", FetchAgain);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }

        if (!encoder.InputMetadata.ContainsKey("input_values") || !decoder.InputMetadata.ContainsKey("encoder_hidden_states")
            || !decoder.InputMetadata.Keys.Any(k => k.StartsWith(PastPrefix, StringComparison.Ordinal)))
        {
            encoder.Dispose();
            decoder.Dispose();
            throw new InvalidDataException($"SpeechToText: the ONNX files in '{folder}' are not the Moonshine encoder and merged decoder. {FetchAgain}");
        }

        return new MoonshineModel(encoder, decoder, vocabulary);
    }

    /// <summary>The text spoken in <paramref name="audio"/> (16 kHz mono, at most a few tens of seconds); empty for silence.</summary>
    public string Recognize(float[] audio, CancellationToken cancellationToken)
    {
        if (audio.Length < 1600)
        {
            return string.Empty;
        }

        using var audioValue = OrtValue.CreateTensorValueFromMemory(audio, [1, audio.Length]);
        using var encoded = _encoder.Run(RunDefaults, EncoderInputs, [audioValue], EncoderOutputs);
        var hidden = encoded[0];
        var past = new OrtValue[_pastNames.Length];
        var empty = new List<OrtValue>();
        for (var i = 0; i < past.Length; i++)
        {
            past[i] = OrtValue.CreateTensorValueFromMemory(Array.Empty<float>(), [1, _heads, 0, _headSize]);
            empty.Add(past[i]);
        }

        var results = new List<IDisposable>();
        var tokens = new List<long>();
        try
        {
            var maxTokens = (int)(audio.Length / 16000.0 * TokensPerSecond) + 1;
            var next = StartToken;
            var inputs = new OrtValue[_decoderInputs.Length];
            for (var step = 0; step < maxTokens; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var ids = OrtValue.CreateTensorValueFromMemory(new[] { next }, [1, 1]);
                using var useCache = OrtValue.CreateTensorValueFromMemory(new[] { step > 0 }, [1]);
                inputs[0] = ids;
                inputs[1] = hidden;
                inputs[2] = useCache;
                past.CopyTo(inputs, 3);
                var outputs = _decoder.Run(RunDefaults, _decoderInputs, inputs, _decoderOutputs);
                results.Add(outputs);
                next = ArgMax(outputs[0].GetTensorDataAsSpan<float>());
                if (next == EndToken)
                {
                    break;
                }

                tokens.Add(next);
                for (var o = 0; o < _decoderOutputs.Length; o++)
                {
                    // The cross-attention cache is computed once, at the first step; the self-attention cache grows every step.
                    if (_presentToPast[o] >= 0 && (step == 0 || _presentIsDecoder[o]))
                    {
                        past[_presentToPast[o]] = outputs[o];
                    }
                }
            }
        }
        finally
        {
            foreach (var value in empty)
            {
                value.Dispose();
            }

            foreach (var result in results)
            {
                result.Dispose();
            }
        }

        return Decode(tokens);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    private static long ArgMax(ReadOnlySpan<float> logits)
    {
        var best = 0;
        for (var i = 1; i < logits.Length; i++)
        {
            if (logits[i] > logits[best])
            {
                best = i;
            }
        }

        return best;
    }

    private string Decode(List<long> tokens)
    {
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (token >= _vocabulary.Length)
            {
                continue;
            }

            var piece = _vocabulary[token];
            if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>')
            {
                bytes.Add(Convert.ToByte(piece.Substring(3, 2), 16));
            }
            else if (piece is not ("<s>" or "</s>" or "<unk>"))
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(piece));
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray()).Replace('\u2581', ' ').Trim();
    }
}

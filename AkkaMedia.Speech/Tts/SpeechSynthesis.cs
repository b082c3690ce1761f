using AkkaMedia.Nodes.Audio;

namespace AkkaMedia.Speech.Tts;

/// <summary>espeak-ng speech as float samples at a chosen rate: what the speaking nodes emit.</summary>
internal static class SpeechSynthesis
{
    /// <summary>The speech for <paramref name="text"/>, mono, at <paramref name="sampleRate"/> (resampled from espeak-ng's own rate).</summary>
    public static float[] Render(string text, string voice, int wordsPerMinute, int pitch, int sampleRate)
    {
        var pcm = ESpeakSynthesizer.Speak(text, voice, wordsPerMinute, pitch);
        var speech = new float[pcm.Length];
        for (var i = 0; i < pcm.Length; i++)
        {
            speech[i] = pcm[i] / 32768f;
        }

        var rate = ESpeakSynthesizer.SampleRate;
        if (rate == sampleRate)
        {
            return speech;
        }

        var resampler = new SincResampler(rate, sampleRate, 1);
        return [.. resampler.Process(speech), .. resampler.Flush()];
    }
}

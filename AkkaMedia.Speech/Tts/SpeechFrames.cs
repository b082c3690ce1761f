using AkkaMedia.Frames;

namespace AkkaMedia.Speech.Tts;

/// <summary>
/// Cuts synthesized speech into mono frames of a fixed length at one rate, numbering them and timing them continuously
/// across utterances from 0 (the last frame of an utterance holds what is left). One instance per stream.
/// </summary>
internal sealed class SpeechFrames(int sampleRate, int samplesPerFrame)
{
    private long _sequence;
    private long _samplesOut;

    /// <summary>The frames of <paramref name="audio"/>, which they share (the caller gives the array up).</summary>
    public IEnumerable<AudioFrame> Cut(float[] audio)
    {
        for (var offset = 0; offset < audio.Length; offset += samplesPerFrame)
        {
            var length = Math.Min(samplesPerFrame, audio.Length - offset);
            var timestamp = TimeSpan.FromTicks(_samplesOut * TimeSpan.TicksPerSecond / sampleRate);
            _samplesOut += length;
            yield return new AudioFrame(audio.AsMemory(offset, length), sampleRate, 1, _sequence++, timestamp);
        }
    }
}

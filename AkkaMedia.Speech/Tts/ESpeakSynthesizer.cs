using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace AkkaMedia.Speech.Tts;

/// <summary>
/// The process's espeak-ng, in-process through libespeak-ng (no process per sentence). espeak-ng keeps one global
/// synthesizer, so calls are serialized: one utterance is synthesized at a time in the process.
/// </summary>
internal static unsafe class ESpeakSynthesizer
{
    private static readonly Lock Gate = new();
    private static List<short>? _collecting;
    private static int _sampleRate;
    private static string? _voice;
    private static int _rate = -1;
    private static int _pitch = -1;

    /// <summary>The rate espeak-ng produces (22,050 Hz for its voices); initializes the library on first use.</summary>
    /// <exception cref="InvalidOperationException">libespeak-ng is not installed or does not start; the message says what to install.</exception>
    public static int SampleRate
    {
        get
        {
            lock (Gate)
            {
                EnsureInitialized();
                return _sampleRate;
            }
        }
    }

    /// <summary>
    /// The speech for <paramref name="text"/> as mono 16-bit samples at <see cref="SampleRate"/>.
    /// </summary>
    /// <exception cref="ArgumentException">espeak-ng has no voice named <paramref name="voice"/>.</exception>
    public static short[] Speak(string text, string voice, int wordsPerMinute, int pitch)
    {
        lock (Gate)
        {
            EnsureInitialized();
            SelectVoice(voice);

            if (_rate != wordsPerMinute)
            {
                ESpeakNative.SetParameter(ESpeakNative.ParameterRate, wordsPerMinute, 0);
                _rate = wordsPerMinute;
            }

            if (_pitch != pitch)
            {
                ESpeakNative.SetParameter(ESpeakNative.ParameterPitch, pitch, 0);
                _pitch = pitch;
            }

            var samples = new List<short>(text.Length * 2000);
            _collecting = samples;
            try
            {
                var bytes = Encoding.UTF8.GetBytes(text + "\0");
                fixed (byte* p = bytes)
                {
                    var error = ESpeakNative.Synth(p, (nuint)bytes.Length, 0, ESpeakNative.PositionCharacter, 0, ESpeakNative.CharsUtf8, null, 0);
                    if (error != 0)
                    {
                        throw new InvalidOperationException($"espeak-ng could not synthesize the text (error {error}).");
                    }
                }

                ESpeakNative.Synchronize();
            }
            finally
            {
                _collecting = null;
            }

            return samples.ToArray();
        }
    }

    /// <summary>Starts espeak-ng and checks that it has <paramref name="voice"/>.</summary>
    /// <exception cref="ArgumentException">No such voice.</exception>
    /// <exception cref="InvalidOperationException">libespeak-ng is not installed or does not start.</exception>
    public static void CheckVoice(string voice)
    {
        lock (Gate)
        {
            EnsureInitialized();
            SelectVoice(voice);
        }
    }

    private static void SelectVoice(string voice)
    {
        if (_voice == voice)
        {
            return;
        }

        if (ESpeakNative.SetVoiceByName(voice) != 0)
        {
            throw new ArgumentException($"espeak-ng has no voice '{voice}'; list them with `espeak-ng --voices` (en, en-us, en-gb, de, fr, ...).", "voice");
        }

        _voice = voice;
        _rate = _pitch = -1;
    }

    private static void EnsureInitialized()
    {
        if (_sampleRate > 0)
        {
            return;
        }

        int rate;
        try
        {
            rate = ESpeakNative.Initialize(ESpeakNative.OutputSynchronous, 0, null, 0);
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException(
                $"TextToSpeech needs espeak-ng's library ({ESpeakNative.Library}), which is not installed: on Debian or Ubuntu, apt-get install libespeak-ng1 espeak-ng-data.", e);
        }

        if (rate <= 0)
        {
            throw new InvalidOperationException(
                "espeak-ng did not start (espeak_Initialize failed): its voice data is missing; on Debian or Ubuntu, apt-get install espeak-ng-data.");
        }

        ESpeakNative.SetSynthCallback(&OnSamples);
        _sampleRate = rate;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnSamples(short* samples, int count, nint events)
    {
        // Called on the synthesizing thread inside Synth, under Gate; count 0 marks the end of the text.
        if (samples is not null && count > 0 && _collecting is { } target)
        {
            target.AddRange(new ReadOnlySpan<short>(samples, count));
        }

        return 0;
    }
}

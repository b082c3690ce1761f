using System.Runtime.InteropServices;

namespace AkkaMedia.Speech.Tts;

/// <summary>The part of libespeak-ng's C interface (speak_lib.h) the synthesizer uses.</summary>
internal static unsafe partial class ESpeakNative
{
    public const string Library = "libespeak-ng.so.1";

    /// <summary>AUDIO_OUTPUT_SYNCHRONOUS: <see cref="Synth"/> returns once the whole text was handed to the callback.</summary>
    public const int OutputSynchronous = 2;

    /// <summary>POS_CHARACTER.</summary>
    public const int PositionCharacter = 1;

    /// <summary>espeakCHARS_UTF8.</summary>
    public const uint CharsUtf8 = 1;

    /// <summary>espeakRATE: words per minute.</summary>
    public const int ParameterRate = 1;

    /// <summary>espeakPITCH: 0–100, 50 normal.</summary>
    public const int ParameterPitch = 3;

    [LibraryImport(Library, EntryPoint = "espeak_Initialize", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Initialize(int output, int bufferMilliseconds, string? path, int options);

    [LibraryImport(Library, EntryPoint = "espeak_SetSynthCallback")]
    public static partial void SetSynthCallback(delegate* unmanaged[Cdecl]<short*, int, nint, int> callback);

    [LibraryImport(Library, EntryPoint = "espeak_SetVoiceByName", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetVoiceByName(string name);

    [LibraryImport(Library, EntryPoint = "espeak_SetParameter")]
    public static partial int SetParameter(int parameter, int value, int relative);

    [LibraryImport(Library, EntryPoint = "espeak_Synth")]
    public static partial int Synth(byte* text, nuint size, uint position, int positionType, uint endPosition, uint flags, uint* uniqueIdentifier, nint userData);

    [LibraryImport(Library, EntryPoint = "espeak_Synchronize")]
    public static partial int Synchronize();
}

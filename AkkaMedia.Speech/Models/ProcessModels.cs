using AkkaMedia.Speech.Stt;
using AkkaMedia.Speech.Vad;

namespace AkkaMedia.Speech.Models;

/// <summary>The models shared by every session of this process (an executor loads each file once).</summary>
internal static class ProcessModels
{
    public static SharedModels<SileroVadModel> Vad { get; } = new(SileroVadModel.Load);

    public static SharedModels<MoonshineModel> Moonshine { get; } = new(MoonshineModel.Load);

    public static SharedModels<WhisperModel> Whisper { get; } = new(WhisperModel.Load);
}

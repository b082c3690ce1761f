namespace AkkaMedia.Host.Demo;

/// <summary>What one run of the demo pipeline measured.</summary>
/// <param name="FramesIn">Frames that left the source.</param>
/// <param name="InputDuration">Media time of the source's audio.</param>
/// <param name="InputFormat">Format of the source's frames, e.g. <c>48000 Hz, 1 ch</c>.</param>
/// <param name="FramesOut">Frames written to the output file.</param>
/// <param name="OutputDuration">Media time of the written audio (the input plus the echo tail).</param>
/// <param name="OutputFormat">Format of the written frames.</param>
/// <param name="SpeechFrames">Written frames the voice-activity detector called speech.</param>
/// <param name="SilenceFrames">Written frames the voice-activity detector called silence.</param>
/// <param name="WallTime">Wall-clock time from materialization to the end of the stream.</param>
internal sealed record DemoReport(
    long FramesIn,
    TimeSpan InputDuration,
    string InputFormat,
    long FramesOut,
    TimeSpan OutputDuration,
    string OutputFormat,
    long SpeechFrames,
    long SilenceFrames,
    TimeSpan WallTime)
{
    /// <summary>Wall time per second of input audio: below 1 is faster than real time.</summary>
    public double RealTimeFactor => InputDuration > TimeSpan.Zero ? WallTime / InputDuration : 0;
}

using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;

namespace AkkaMedia.Samples;

/// <summary>One element of the zipped graph: an echoed frame with the dry frame and VAD decision of the same sequence number.</summary>
/// <param name="Wet">The frame as the echo stage returned it (already written to the WAV file).</param>
/// <param name="Dry">The frame as the source produced it; null for the echo's tail frame, which has no input.</param>
/// <param name="Decision">The VAD decision on the dry frame; null for the tail frame.</param>
internal sealed record EchoedFrame(AudioFrame Wet, AudioFrame? Dry, VadDecision? Decision);

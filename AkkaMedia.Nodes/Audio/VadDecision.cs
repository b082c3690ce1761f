namespace AkkaMedia.Nodes.Audio;

/// <summary>The voice-activity decision <see cref="VadNode"/> makes for one audio frame.</summary>
/// <param name="IsSpeech">True when the frame's energy reached the threshold, or a recent frame's did and the hangover has not run out.</param>
/// <param name="EnergyDb">Mean energy of the frame in dB relative to full scale (a full-scale square wave is 0 dBFS, a full-scale sine -3 dBFS); digital silence reads -120.</param>
/// <param name="Sequence">Sequence number of the frame the decision is about.</param>
/// <param name="Timestamp">Timestamp of the frame the decision is about.</param>
public sealed record VadDecision(bool IsSpeech, float EnergyDb, long Sequence, TimeSpan Timestamp);

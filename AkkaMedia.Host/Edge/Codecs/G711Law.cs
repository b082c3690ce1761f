namespace AkkaMedia.Host.Edge.Codecs;

/// <summary>The two companding laws of ITU-T G.711: one byte per sample, 8 kHz telephone audio.</summary>
internal enum G711Law
{
    /// <summary>μ-law (North America, Japan; Twilio's <c>audio/x-mulaw</c>).</summary>
    MuLaw,

    /// <summary>A-law (Europe and most of the rest; Twilio's <c>audio/x-alaw</c>).</summary>
    ALaw,
}

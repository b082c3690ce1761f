namespace AkkaMedia.Nodes.Video;

/// <summary>
/// The colour arithmetic every video node shares, in 8-bit fixed point.
/// </summary>
/// <remarks>
/// <para>I420 samples are ITU-R BT.601 <b>limited range</b> ("studio swing"): Y in 16..235 for black
/// to white, U and V in 16..240 around 128. RGB and Gray8 samples are full range 0..255.</para>
/// <para>Gray8 is full-range luma with the BT.601 weights: <c>0.299 R + 0.587 G + 0.114 B</c>.</para>
/// </remarks>
internal static class Bt601
{
    /// <summary>Limited-range Y of an RGB colour: <c>16 + 219/255 (0.299 R + 0.587 G + 0.114 B)</c>.</summary>
    public static byte Y(int r, int g, int b) => (byte)(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16);

    /// <summary>Limited-range U (Cb) of an RGB colour.</summary>
    public static byte U(int r, int g, int b) => (byte)(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128);

    /// <summary>Limited-range V (Cr) of an RGB colour.</summary>
    public static byte V(int r, int g, int b) => (byte)(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128);

    /// <summary>Full-range luma of an RGB colour (the Gray8 value), weights 77/150/29 over 256.</summary>
    public static byte Luma(int r, int g, int b) => (byte)((77 * r + 150 * g + 29 * b + 128) >> 8);

    /// <summary>Full-range grey of a limited-range Y: 16..235 stretched to 0..255.</summary>
    public static byte LumaFromY(int y) => Clamp(((298 * (y - 16)) + 128) >> 8);

    /// <summary>Converts one limited-range YUV sample to full-range RGB.</summary>
    public static void ToRgb(int y, int u, int v, out byte r, out byte g, out byte b)
    {
        var c = (298 * (y - 16)) + 128;
        var d = u - 128;
        var e = v - 128;
        r = Clamp((c + (409 * e)) >> 8);
        g = Clamp((c - (100 * d) - (208 * e)) >> 8);
        b = Clamp((c + (516 * d)) >> 8);
    }

    public static byte Clamp(int value) => (byte)(value < 0 ? 0 : value > 255 ? 255 : value);
}

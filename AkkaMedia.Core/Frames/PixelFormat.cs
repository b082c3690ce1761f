namespace AkkaMedia.Frames;

/// <summary>Pixel layouts a <see cref="VideoFrame"/> can carry.</summary>
public enum PixelFormat : byte
{
    /// <summary>Planar YUV 4:2:0: a full-size Y plane, then U and V planes of half width and half height (rounded up).</summary>
    I420 = 1,

    /// <summary>Packed 8-bit R, G, B per pixel.</summary>
    Rgb24 = 2,

    /// <summary>Packed 8-bit R, G, B, A per pixel.</summary>
    Rgba32 = 3,

    /// <summary>One 8-bit luma byte per pixel.</summary>
    Gray8 = 4,
}

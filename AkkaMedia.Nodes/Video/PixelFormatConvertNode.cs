using AkkaMedia.Frames;

namespace AkkaMedia.Nodes.Video;

/// <summary>
/// Converts every picture to one pixel format. All pairs of I420, RGB24, RGBA32 and Gray8 are
/// supported; a frame already in the target format is passed on as the same instance.
/// </summary>
/// <remarks>
/// <para>Colour: I420 is ITU-R BT.601 <b>limited range</b> (Y 16..235, U/V 16..240), in both
/// directions. RGB and Gray8 are full range. Gray8 from RGB is <c>0.299 R + 0.587 G + 0.114 B</c>
/// (fixed point 77/150/29 over 256, rounded); Gray8 from I420 stretches Y from 16..235 to 0..255;
/// Gray8 to colour formats is a neutral grey (R = G = B, U = V = 128).</para>
/// <para>To I420, each chroma sample is computed from the mean colour of its 2x2 block of pixels;
/// from I420, each chroma sample is repeated over its block (no interpolation). RGBA32 to another
/// format drops alpha; alpha is 255 when converting to RGBA32 from a format without it.</para>
/// <para>Buffers: each converted frame gets a new, tightly packed buffer; the input frame is only
/// read. Sequence and timestamp are kept. At end of stream nothing is buffered.</para>
/// </remarks>
public sealed class PixelFormatConvertNode : Node<VideoFrame, VideoFrame>
{
    /// <summary>Creates a converter to <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> is not a defined <see cref="PixelFormat"/>.</exception>
    public PixelFormatConvertNode(PixelFormat target)
    {
        if (!Enum.IsDefined(target))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown pixel format.");
        }

        Target = target;
    }

    /// <summary>The pixel format of every emitted frame.</summary>
    public PixelFormat Target { get; }

    /// <inheritdoc />
    public override void Process(VideoFrame input, INodeOutput<VideoFrame> output) =>
        output.Emit(PixelConverter.Convert(input, Target));
}

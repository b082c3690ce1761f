using AkkaMedia.Diagnostics;
using AkkaMedia.Frames;

namespace AkkaMedia.Core.Tests.Diagnostics;

public sealed class FrameBytesSpec
{
    [Fact]
    public void FrameBytes_must_count_four_bytes_per_audio_sample_of_every_channel()
    {
        var frame = new AudioFrame(new float[480 * 2], 48000, 2);

        Assert.Equal(480 * 2 * sizeof(float), FrameBytes.Of(frame));
    }

    [Fact]
    public void FrameBytes_must_count_the_data_of_video_and_bytes_frames_and_the_utf8_of_text()
    {
        var video = new VideoFrame(new byte[64 * 8 * 3], 64, 8, PixelFormat.Rgb24);
        var bytes = new BytesFrame(new byte[123]);
        var text = new TextFrame("grüße");

        Assert.Equal(64 * 8 * 3, FrameBytes.Of(video));
        Assert.Equal(123, FrameBytes.Of(bytes));
        Assert.Equal(7, FrameBytes.Of(text)); // g r ü(2) ß(2) e
    }

    [Fact]
    public void FrameBytes_must_count_nothing_for_elements_that_are_not_media_frames()
    {
        Assert.Equal(0, FrameBytes.Of("a string"));
        Assert.Equal(0, FrameBytes.Of(null));
    }
}

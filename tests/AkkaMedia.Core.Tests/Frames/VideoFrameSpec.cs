using AkkaMedia.Frames;

namespace AkkaMedia.Core.Tests.Frames;

public sealed class VideoFrameSpec
{
    [Theory]
    [InlineData(0, 2, "width")]
    [InlineData(-1, 2, "width")]
    [InlineData(2, 0, "height")]
    [InlineData(2, -5, "height")]
    public void VideoFrame_must_reject_dimensions_that_are_not_positive(int width, int height, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFrame(new byte[64], width, height, PixelFormat.Gray8));
        Assert.Equal(parameter, error.ParamName);
    }

    [Theory]
    [InlineData(PixelFormat.Gray8, 4, 3)]
    [InlineData(PixelFormat.I420, 4, 3)]
    [InlineData(PixelFormat.Rgb24, 4, 11)]
    [InlineData(PixelFormat.Rgba32, 4, 15)]
    public void VideoFrame_must_reject_a_stride_below_the_row_size(PixelFormat format, int width, int stride)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFrame(new byte[1024], width, 2, format, stride));
        Assert.Equal("stride", error.ParamName);
    }

    [Theory]
    [InlineData(PixelFormat.Gray8, 5, 3, 14)] // 5 * 3 = 15
    [InlineData(PixelFormat.Rgb24, 5, 3, 44)] // 15 * 3 = 45
    [InlineData(PixelFormat.Rgba32, 5, 3, 59)] // 20 * 3 = 60
    [InlineData(PixelFormat.I420, 5, 3, 26)] // 5 * 3 + 2 * (3 * 2) = 27
    public void VideoFrame_must_reject_a_buffer_shorter_than_the_picture(PixelFormat format, int width, int height, int length)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFrame(new byte[length], width, height, format));
        Assert.Equal("data", error.ParamName);

        // One more byte is enough.
        Assert.Equal(length + 1, new VideoFrame(new byte[length + 1], width, height, format).Data.Length);
    }

    [Fact]
    public void VideoFrame_must_reject_an_unknown_pixel_format()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFrame(new byte[64], 2, 2, (PixelFormat)99));
        Assert.Equal("format", error.ParamName);
    }

    [Fact]
    public void VideoFrame_must_reject_a_row_too_large_to_address()
    {
        // 0x40000001 RGBA pixels is 4 GiB + 4 bytes per row; 32-bit arithmetic would wrap it to 4 bytes.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFrame(new byte[64], 0x4000_0001, 1, PixelFormat.Rgba32, stride: 4));
        Assert.Equal("width", error.ParamName);
    }

    [Fact]
    public void VideoFrame_must_reject_a_picture_too_large_to_address()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFrame(new byte[64], 60_000, 60_000, PixelFormat.Gray8));
        Assert.Equal("height", error.ParamName);
    }

    [Theory]
    [InlineData(PixelFormat.Gray8, 5, 5)]
    [InlineData(PixelFormat.I420, 5, 5)]
    [InlineData(PixelFormat.Rgb24, 5, 15)]
    [InlineData(PixelFormat.Rgba32, 5, 20)]
    public void A_stride_of_zero_must_mean_the_tight_row_size(PixelFormat format, int width, int expectedStride)
    {
        var frame = new VideoFrame(new byte[128], width, 3, format);

        Assert.Equal(expectedStride, frame.Stride);
        Assert.Equal(expectedStride, VideoFrame.MinimumStride(format, width));
    }

    [Theory]
    [InlineData(PixelFormat.I420, 4, 4, 16 + 8)] // Y 4x4, U and V 2x2 each
    [InlineData(PixelFormat.I420, 5, 3, 15 + 12)] // chroma rounds up: 3x2 each
    [InlineData(PixelFormat.Gray8, 7, 2, 14)]
    [InlineData(PixelFormat.Rgb24, 9, 2, 18)]
    public void RequiredLength_must_count_every_plane(PixelFormat format, int stride, int height, int expected) =>
        Assert.Equal(expected, VideoFrame.RequiredLength(format, height, stride));

    [Fact]
    public void Frames_with_the_same_geometry_position_and_bytes_must_be_equal()
    {
        var a = new VideoFrame(new byte[] { 1, 2, 3, 4, 5, 6 }, 1, 2, PixelFormat.Rgb24, 3, 4, TimeSpan.FromMilliseconds(40));
        var b = new VideoFrame(new byte[] { 1, 2, 3, 4, 5, 6 }, 1, 2, PixelFormat.Rgb24, 3, 4, TimeSpan.FromMilliseconds(40));

        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Frames_that_differ_in_any_field_must_not_be_equal()
    {
        var data = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        var frame = new VideoFrame(data, 2, 2, PixelFormat.Gray8, 2, 1, TimeSpan.FromSeconds(1));

        Assert.NotEqual(frame, new VideoFrame(data, 1, 2, PixelFormat.Gray8, 2, 1, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new VideoFrame(data, 2, 1, PixelFormat.Gray8, 2, 1, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new VideoFrame(data, 2, 2, PixelFormat.I420, 2, 1, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new VideoFrame(data, 2, 2, PixelFormat.Gray8, 3, 1, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new VideoFrame(data, 2, 2, PixelFormat.Gray8, 2, 2, TimeSpan.FromSeconds(1)));
        Assert.NotEqual(frame, new VideoFrame(data, 2, 2, PixelFormat.Gray8, 2, 1, TimeSpan.FromSeconds(2)));
        Assert.NotEqual(frame, new VideoFrame(new byte[] { 1, 2, 3, 9, 5, 6, 7, 8 }, 2, 2, PixelFormat.Gray8, 2, 1, TimeSpan.FromSeconds(1)));
        Assert.False(frame.Equals(null));
    }

    [Fact]
    public void Description_must_name_format_and_size() =>
        Assert.Equal("I420 640x480", new VideoFrame(new byte[VideoFrame.RequiredLength(PixelFormat.I420, 480, 640)], 640, 480, PixelFormat.I420).Description);
}

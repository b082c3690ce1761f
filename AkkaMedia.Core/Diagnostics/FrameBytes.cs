using AkkaMedia.Frames;

namespace AkkaMedia.Diagnostics;

/// <summary>
/// The media payload of a stream element in bytes, as the byte counters report it: 4 per audio sample,
/// the data length of video and bytes frames, the UTF-8 length of a text frame, 0 for anything else
/// (heartbeats, user types). Headers and transport framing are not counted.
/// </summary>
internal static class FrameBytes
{
    public static long Of(object? element) => element switch
    {
        AudioFrame audio => (long)audio.Samples.Length * sizeof(float),
        VideoFrame video => video.Data.Length,
        BytesFrame bytes => bytes.Data.Length,
        TextFrame text => System.Text.Encoding.UTF8.GetByteCount(text.Text),
        _ => 0,
    };
}

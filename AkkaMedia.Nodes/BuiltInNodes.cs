using Akka.Configuration;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.General;
using AkkaMedia.Nodes.Text;
using AkkaMedia.Nodes.Video;

namespace AkkaMedia.Nodes;

/// <summary>
/// The built-in node types by the names pipeline files, remote stages and admin commands use.
/// Settings keys are kebab-case HOCON (<c>delay = 250ms, decay = 0.5</c>); a missing required
/// setting, an unknown key or a bad value is an <see cref="ArgumentException"/> naming it.
/// </summary>
public static class BuiltInNodes
{
    /// <summary>A new registry holding every built-in node type; callers may add their own.</summary>
    public static NodeRegistry CreateRegistry() => new NodeRegistry()
        .Register(NodeDescriptor.Create<object, object>(
            "PassThrough", "Returns every element unchanged.", _ => new PassThroughNode<object>()))
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "Gain", "Multiplies every sample by 'gain'.", c => new GainNode(Required(c, "Gain", "gain", k => c.GetFloat(k))), "gain"))
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "Echo", "Adds a copy 'delay' later scaled by 'decay' (and 'mix', default 1).",
            c => new EchoNode(Required(c, "Echo", "delay", k => c.GetTimeSpan(k)), Required(c, "Echo", "decay", k => c.GetFloat(k)), c.GetFloat("mix", 1f)),
            "delay", "decay", "mix"))
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "Resample", "Converts to 'sample-rate' Hz.", c => new ResampleNode(Required(c, "Resample", "sample-rate", k => c.GetInt(k))), "sample-rate"))
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "ChannelMix", "Mixes to 'channels' channels (mono/stereo).", c => new ChannelMixNode(Required(c, "ChannelMix", "channels", k => c.GetInt(k))), "channels"))
        .Register(NodeDescriptor.Create<AudioFrame, AudioFrame>(
            "Reframe", "Re-chunks audio to 'samples' samples per channel per frame.", c => new ReframeNode(Required(c, "Reframe", "samples", k => c.GetInt(k))), "samples"))
        .Register(NodeDescriptor.Create<AudioFrame, VadDecision>(
            "Vad", "Energy voice-activity detection: one decision per frame ('threshold-db', 'hangover').",
            c => new VadNode(c.GetFloat("threshold-db", -40f), c.HasPath("hangover") ? c.GetTimeSpan("hangover") : null),
            "threshold-db", "hangover"))
        .Register(NodeDescriptor.Create<VideoFrame, VideoFrame>(
            "Resize", "Bilinear resize to 'width' x 'height'.",
            c => new ResizeNode(Required(c, "Resize", "width", k => c.GetInt(k)), Required(c, "Resize", "height", k => c.GetInt(k))), "width", "height"))
        .Register(NodeDescriptor.Create<VideoFrame, VideoFrame>(
            "PixelFormat", "Converts to pixel 'format' (I420, Rgb24, Rgba32, Gray8).",
            c => new PixelFormatConvertNode(ParsePixelFormat(Required(c, "PixelFormat", "format", k => c.GetString(k)))), "format"))
        .Register(NodeDescriptor.Create<VideoFrame, VideoFrame>(
            "FrameRate", "Drops frames down to 'fps' frames per second.", c => new FrameRateNode(Required(c, "FrameRate", "fps", k => c.GetDouble(k))), "fps"))
        .Register(NodeDescriptor.Create<TextFrame, TextProcessorResult>(
            "TextProcessor", "Applies text 'operations' (uppercase, word_count, ...).",
            c => new TextProcessorNode(Required(c, "TextProcessor", "operations", k => c.GetStringList(k)).Select(ParseTextOperation).ToArray()),
            "operations"));

    /// <summary>Parses a pixel format name case-insensitively.</summary>
    /// <exception cref="ArgumentException">The name is not a pixel format; the message lists the valid ones.</exception>
    public static PixelFormat ParsePixelFormat(string name) =>
        Enum.TryParse<PixelFormat>(name, ignoreCase: true, out var format) && Enum.IsDefined(format)
            ? format
            : throw new ArgumentException($"Unknown pixel format '{name}'; use one of {string.Join(", ", Enum.GetNames<PixelFormat>())}.", nameof(name));

    private static TextOperation ParseTextOperation(string name) =>
        TextProcessorNode.TryParseOperation(name, out var operation)
            ? operation
            : throw new ArgumentException($"Unknown text operation '{name}'; use one of {string.Join(", ", Enum.GetNames<TextOperation>())}.", nameof(name));

    private static T Required<T>(Config config, string node, string key, Func<string, T> read)
    {
        if (!config.HasPath(key))
        {
            throw new ArgumentException($"Node type '{node}' needs the setting '{key}'.", key);
        }

        try
        {
            return read(key);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            throw new ArgumentException($"Setting '{key}' of node type '{node}' is not valid: {e.Message}", key, e);
        }
    }
}

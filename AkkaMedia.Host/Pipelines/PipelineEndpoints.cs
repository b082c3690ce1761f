using Akka;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.IO;
using AkkaMedia.Nodes.Testing;
using AkkaMedia.Nodes.Video;

namespace AkkaMedia.Host.Pipelines;

/// <summary>The sources and sinks a pipeline file can name, with the keys each accepts.</summary>
internal static class PipelineEndpoints
{
    public static readonly IReadOnlyDictionary<string, (Type Element, string[] Keys, Func<Config, Source<object, NotUsed>> Create)> Sources =
        new Dictionary<string, (Type, string[], Func<Config, Source<object, NotUsed>>)>(StringComparer.OrdinalIgnoreCase)
        {
            ["wav-file"] = (typeof(AudioFrame), ["type", "realtime", "path", "samples-per-frame"],
                c => Untyped(NodeFlow.CreateSource(() => new WavFileSource(c.GetString("path"), c.GetInt("samples-per-frame", 960))))),
            ["tone"] = (typeof(AudioFrame), ["type", "realtime", "frequency", "sample-rate", "channels", "duration", "samples-per-frame", "amplitude"],
                c => Untyped(NodeFlow.CreateSource(() => new ToneGeneratorSource(
                    c.GetDouble("frequency", 440), c.GetInt("sample-rate", 48000), c.GetInt("channels", 1),
                    c.GetTimeSpan("duration", TimeSpan.FromSeconds(5)), c.GetInt("samples-per-frame", 960), c.GetFloat("amplitude", 0.5f))))),
            ["speech-like"] = (typeof(AudioFrame), ["type", "realtime", "duration", "sample-rate", "samples-per-frame", "seed"],
                c => Untyped(NodeFlow.CreateSource(() => new SpeechLikeSource(
                    c.GetTimeSpan("duration", TimeSpan.FromSeconds(5)), c.GetInt("sample-rate", 48000), c.GetInt("samples-per-frame", 960), c.GetInt("seed", 1))))),
            ["test-pattern"] = (typeof(VideoFrame), ["type", "realtime", "width", "height", "format", "fps", "frames"],
                c => Untyped(NodeFlow.CreateSource(() => new TestPatternSource(
                    c.GetInt("width", 640), c.GetInt("height", 360), BuiltInNodes.ParsePixelFormat(c.GetString("format", "I420")),
                    c.GetDouble("fps", 30), c.GetInt("frames", 90))))),
            ["y4m-file"] = (typeof(VideoFrame), ["type", "realtime", "path"],
                c => Untyped(NodeFlow.CreateSource(() => new Y4mFileSource(c.GetString("path"))))),
            ["text-file"] = (typeof(TextFrame), ["type", "realtime", "path"],
                c => Untyped(NodeFlow.CreateSource(() => new TextFileSource(c.GetString("path"))))),
            ["websocket"] = (typeof(AudioFrame), ["type", "sample-rate", "channels", "samples-per-frame"], _ => throw ServeOnly()),
        };

    public static readonly IReadOnlyDictionary<string, (Type Element, string[] Keys, Func<Config, Flow<object, object, NotUsed>> Create)> Sinks =
        new Dictionary<string, (Type, string[], Func<Config, Flow<object, object, NotUsed>>)>(StringComparer.OrdinalIgnoreCase)
        {
            ["wav-file"] = (typeof(AudioFrame), ["type", "path", "format"],
                c => Typed(NodeFlow.Create(() => new WavFileSink(c.GetString("path"), ParseWavFormat(c.GetString("format", "pcm16")))))),
            ["y4m-file"] = (typeof(VideoFrame), ["type", "path", "fps"],
                c => Typed(NodeFlow.Create(() => new Y4mFileSink(c.GetString("path"), c.GetDouble("fps", 30))))),
            ["jsonl-file"] = (typeof(object), ["type", "path", "include"],
                c => NodeFlow.Create(() => new JsonLinesFileSink(c.GetString("path"), c.HasPath("include") ? c.GetStringList("include").ToArray() : null))),
            ["discard"] = (typeof(object), ["type"], _ => Flow.Create<object>()),
            ["websocket"] = (typeof(object), ["type"], _ => throw ServeOnly()),
        };

    /// <summary>Whether <paramref name="type"/> is the connection of <c>akkamedia serve</c>, which only <c>serve</c> can run.</summary>
    public static bool IsConnection(string type) => type.Equals("websocket", StringComparison.OrdinalIgnoreCase);

    private static InvalidOperationException ServeOnly() =>
        new("A websocket source or sink is a live connection: run the pipeline with akkamedia serve.");

    private static WavSampleFormat ParseWavFormat(string name) => name.ToLowerInvariant() switch
    {
        "pcm16" => WavSampleFormat.Pcm16,
        "float32" => WavSampleFormat.Float32,
        _ => throw new ArgumentException($"Unknown WAV format '{name}'; use pcm16 or float32.", "format"),
    };

    /// <summary>
    /// Paces a source to real time when its settings say <c>realtime = true</c>: each frame is released
    /// after the media time of the frames before it, as a microphone or camera would deliver them.
    /// </summary>
    public static Source<object, NotUsed> Paced(Source<object, NotUsed> source, Config settings) =>
        !settings.GetBoolean("realtime", false)
            ? source
            : source.Throttle(1000, TimeSpan.FromSeconds(1), 40, static element => element switch
            {
                AudioFrame audio => Math.Max(1, (int)Math.Round(audio.Duration.TotalMilliseconds)),
                _ => 33,
            }, ThrottleMode.Shaping);

    private static Source<object, NotUsed> Untyped<T>(Source<T, NotUsed> source) => source.Select(static x => (object)x!);

    private static Flow<object, object, NotUsed> Typed<T>(Flow<T, T, NotUsed> sink) =>
        Flow.Create<object>().Select(static o => (T)o).Via(sink).Select(static x => (object)x!);
}

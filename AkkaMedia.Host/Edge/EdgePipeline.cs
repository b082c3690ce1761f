using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Host.Pipelines;
using AkkaMedia.Remote;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// A pipeline file made for <c>akkamedia serve</c>: starts at a <c>websocket</c> source, ends at a <c>websocket</c> sink,
/// and is materialized once per connection (new node instances; remote stages placed anew each time).
/// </summary>
internal sealed class EdgePipeline
{
    /// <summary>The source and sink type of a pipeline that starts and ends at a connection.</summary>
    public const string EndpointType = "websocket";

    private readonly PipelineDefinition _definition;

    private EdgePipeline(PipelineDefinition definition, int sampleRate, int channels, int samplesPerFrame)
    {
        _definition = definition;
        SampleRate = sampleRate;
        Channels = channels;
        SamplesPerFrame = samplesPerFrame;
    }

    /// <summary>The rate the first stage receives, in Hz.</summary>
    public int SampleRate { get; }

    /// <summary>The channel count the first stage receives.</summary>
    public int Channels { get; }

    /// <summary>Sample frames in every frame the first stage receives.</summary>
    public int SamplesPerFrame { get; }

    /// <summary>Whether a stage runs on an executor (then the server must join a cluster).</summary>
    public bool HasRemoteStage => _definition.Stages.Any(s => s.Remote);

    /// <summary>The file it came from.</summary>
    public string FilePath => _definition.FilePath;

    /// <summary>Stage types in order, remote ones marked, for the start line.</summary>
    public string Describe() => string.Join(" → ", _definition.Stages.Select(s => s.Remote ? $"{s.Descriptor.TypeName} (remote)" : s.Descriptor.TypeName));

    /// <summary>Checks that <paramref name="definition"/> starts and ends at a connection and reads the stage format.</summary>
    /// <exception cref="PipelineFileException">It does not, or the format is out of range; the message says what to change.</exception>
    public static EdgePipeline From(PipelineDefinition definition)
    {
        if (!definition.Source.Type.Equals(EndpointType, StringComparison.OrdinalIgnoreCase)
            || !definition.Sink.Type.Equals(EndpointType, StringComparison.OrdinalIgnoreCase))
        {
            throw new PipelineFileException(
                $"{definition.FilePath}: akkamedia serve needs a pipeline that starts and ends at the connection: source {{ type = websocket }} and sink {{ type = websocket }} (it has source '{definition.Source.Type}' and sink '{definition.Sink.Type}'). Run file pipelines with akkamedia run.");
        }

        var settings = definition.Source.Settings;
        var rate = settings.GetInt("sample-rate", 48000);
        var channels = settings.GetInt("channels", 1);
        var samplesPerFrame = settings.GetInt("samples-per-frame", rate / 50);
        if (rate is < 8000 or > 192000)
        {
            throw new PipelineFileException($"{definition.FilePath}: pipeline.source.sample-rate must be between 8000 and 192000 Hz; it is {rate}.");
        }

        if (channels is < 1 or > 8)
        {
            throw new PipelineFileException($"{definition.FilePath}: pipeline.source.channels must be between 1 and 8; it is {channels}.");
        }

        if (samplesPerFrame < 1 || samplesPerFrame > rate)
        {
            throw new PipelineFileException($"{definition.FilePath}: pipeline.source.samples-per-frame must be between 1 and the sample rate ({rate}); it is {samplesPerFrame}.");
        }

        return new EdgePipeline(definition, rate, channels, samplesPerFrame);
    }

    /// <summary>The stages as one flow (<see cref="PipelineDefinition.CreateStages"/>).</summary>
    public Flow<object, object, NotUsed> CreateStages(RemoteStageOptions? options) => _definition.CreateStages(options);
}

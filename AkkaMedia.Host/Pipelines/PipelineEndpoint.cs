using Akka;
using Akka.Configuration;
using Akka.Streams.Dsl;

namespace AkkaMedia.Host.Pipelines;

/// <summary>The source or the sink of a pipeline file: its type, settings and the element type it produces or takes.</summary>
internal sealed record PipelineEndpoint(string Type, Config Settings, Type ElementType, Func<Config, Source<object, NotUsed>>? CreateSource, Func<Config, Flow<object, object, NotUsed>>? CreateSink)
{
    public string? Path => Settings.HasPath("path") ? Settings.GetString("path") : null;
}

using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Nodes;

namespace AkkaMedia.Pipelines;

/// <summary>
/// Entry point of the linear pipeline builder: <c>Pipeline.From(source).Add(node).Add(node).RunAsync(system)</c>.
/// For fan-out and fan-in, use the Akka.Streams graph DSL with <see cref="NodeFlow.AsFlow{TIn,TOut}"/>.
/// </summary>
public static class Pipeline
{
    /// <summary>Starts a pipeline at a source node; the pipeline owns it and can run once.</summary>
    public static Pipeline<T> From<T>(SourceNode<T> source) => new(source.AsSource());

    /// <summary>Starts a pipeline at any Akka.Streams source.</summary>
    public static Pipeline<T> From<T>(Source<T, NotUsed> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new Pipeline<T>(source);
    }
}

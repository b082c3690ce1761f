using Akka;
using Akka.Streams.Dsl;

namespace AkkaMedia.Nodes;

/// <summary>Turns nodes into Akka.Streams flows and sources for the graph DSL.</summary>
public static class NodeFlow
{
    /// <summary>
    /// A flow that runs a new node made by <paramref name="factory"/> in every materialization; the
    /// flow can be materialized any number of times.
    /// </summary>
    public static Flow<TIn, TOut, NotUsed> Create<TIn, TOut>(Func<Node<TIn, TOut>> factory, string? name = null) =>
        Flow.FromGraph(new NodeStage<TIn, TOut>(factory, name));

    /// <summary>
    /// A flow that runs <paramref name="node"/>. The flow owns the node from now on (it disposes it
    /// when the stream stops) and can be materialized once.
    /// </summary>
    public static Flow<TIn, TOut, NotUsed> AsFlow<TIn, TOut>(this Node<TIn, TOut> node) =>
        Flow.FromGraph(new NodeStage<TIn, TOut>(node));

    /// <summary>A source that runs a new source node made by <paramref name="factory"/> in every materialization.</summary>
    public static Source<TOut, NotUsed> CreateSource<TOut>(Func<SourceNode<TOut>> factory, string? name = null) =>
        Source.FromGraph(new SourceStage<TOut>(factory, name));

    /// <summary>A source that runs <paramref name="source"/>; it owns the source node and can be materialized once.</summary>
    public static Source<TOut, NotUsed> AsSource<TOut>(this SourceNode<TOut> source) =>
        Source.FromGraph(new SourceStage<TOut>(source));
}

using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Nodes;

namespace AkkaMedia.Pipelines;

/// <summary>
/// An immutable linear pipeline whose last stage emits <typeparamref name="T"/>. Each
/// <see cref="Add{TNext}"/> or <see cref="Via{TNext}"/> returns a new pipeline; nothing runs until
/// <see cref="RunAsync(IMaterializer, CancellationToken)"/>.
/// </summary>
/// <typeparam name="T">Element type at the end of the pipeline so far.</typeparam>
public sealed class Pipeline<T>
{
    internal Pipeline(Source<T, NotUsed> source) => Source = source;

    /// <summary>The pipeline as an Akka.Streams source, for composing it further.</summary>
    public Source<T, NotUsed> Source { get; }

    /// <summary>Appends a node. The pipeline owns the node (it is disposed when the run stops).</summary>
    public Pipeline<TNext> Add<TNext>(Node<T, TNext> node) => new(Source.Via(node.AsFlow()));

    /// <summary>Appends any flow: a remote stage, a throttle, a sub-graph.</summary>
    public Pipeline<TNext> Via<TNext>(Flow<T, TNext, NotUsed> flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new Pipeline<TNext>(Source.Via(flow));
    }

    /// <summary>
    /// Runs the pipeline to its end. The task completes when the last element has left the last stage,
    /// fails with the first stage's error, or fails with <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> fires (every stage is then stopped and cleaned up).
    /// </summary>
    public async Task<PipelineResult> RunAsync(IMaterializer materializer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(materializer);
        cancellationToken.ThrowIfCancellationRequested();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (killSwitch, count) = Source
            .ViaMaterialized(KillSwitches.Single<T>(), Keep.Right)
            .ToMaterialized(Sink.Aggregate<T, long>(0L, static (n, _) => n + 1), Keep.Both)
            .Run(materializer);
        await using var registration = cancellationToken.Register(() => killSwitch.Abort(new OperationCanceledException(cancellationToken)));
        long elements;
        try
        {
            elements = await count.ConfigureAwait(false);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // The sink's task can carry the stream's failure wrapped (it does for the kill switch's
            // OperationCanceledException); callers get the exception the failing stage raised.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            throw;
        }

        return new PipelineResult(elements, System.Diagnostics.Stopwatch.GetElapsedTime(started));
    }

    /// <summary>Runs the pipeline with a materializer of <paramref name="system"/>; see <see cref="RunAsync(IMaterializer, CancellationToken)"/>.</summary>
    public Task<PipelineResult> RunAsync(ActorSystem system, CancellationToken cancellationToken = default) =>
        RunAsync(system.Materializer(), cancellationToken);
}

namespace AkkaMedia.Pipelines;

/// <summary>What a finished pipeline run reports.</summary>
/// <param name="Elements">Elements that left the last stage.</param>
/// <param name="Elapsed">Wall-clock time from start to completion.</param>
public sealed record PipelineResult(long Elements, TimeSpan Elapsed);

using Microsoft.Extensions.Options;

namespace AkkaMedia.Samples.WebApi;

/// <summary><c>GET /executors</c>: this app's membership and the executors it would run the remote stage on.</summary>
internal static class ExecutorsEndpoint
{
    /// <summary>
    /// Answers at once when executors are up (least loaded first), otherwise after <see cref="ProcessingOptions.ExecutorWait"/>
    /// with none and the advice a 503 would give. Always 200: an empty cluster is a state, not an error of this request.
    /// </summary>
    public static async Task<IResult> HandleAsync(MediaCluster cluster, IOptions<ProcessingOptions> options, CancellationToken cancellationToken)
    {
        var executors = await cluster.GetExecutorsAsync(options.Value.ExecutorWait, cancellationToken);
        return Results.Ok(new
        {
            self = cluster.Self,
            status = cluster.Status.ToString(),
            seeds = cluster.Seeds,
            executors,
            advice = executors.Count == 0 ? cluster.NoExecutorAdvice() : null,
        });
    }
}

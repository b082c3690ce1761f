using AkkaMedia.Remote;

namespace AkkaMedia.Samples.WebApi;

/// <summary>The error answers of the endpoints, as RFC 9457 problem details whose <c>detail</c> says what to fix.</summary>
internal static class ApiProblems
{
    /// <summary>How long a client should wait before trying again after a 503, in seconds.</summary>
    private const string RetryAfterSeconds = "5";

    /// <summary>400: the request is wrong (a parameter, the body); <paramref name="detail"/> says what to send instead.</summary>
    public static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    /// <summary>413: the body is over the limit.</summary>
    public static IResult TooLarge(long limit) =>
        Results.Problem(
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "WAV too large",
            detail: $"The body is larger than {limit} bytes: send a shorter WAV file, or raise Processing:MaxWavBytes in the app's configuration.");

    /// <summary>503 with <c>Retry-After</c>: no executor to run the remote stage; <paramref name="advice"/> says what to start or check.</summary>
    public static IResult NoExecutor(HttpContext context, string advice)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No executor is up", detail: advice);
    }

    /// <summary>
    /// The remote stage failed: 503 when it reached no executor, 502 when executors refused it (at capacity, the
    /// message says so) or the executor failed or went away mid-stream.
    /// </summary>
    public static IResult RemoteFailed(HttpContext context, RemoteStageException failure)
    {
        if (failure.ExecutorAddress is null)
        {
            return NoExecutor(context, $"{failure.Message} Try again shortly; GET /executors lists the executors this app sees and their load.");
        }

        return Results.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The executor failed", detail: $"{failure.Message} Try again: the next request may run on another executor.");
    }
}

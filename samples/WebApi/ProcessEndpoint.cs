using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace AkkaMedia.Samples.WebApi;

/// <summary><c>POST /process?gain=2</c>: a 16-bit PCM WAV body in, the same audio through the remote Gain stage out.</summary>
internal static class ProcessEndpoint
{
    /// <summary>
    /// Checks the query and the body (400, 413), then that an executor is up (503), then runs one pipeline for this
    /// request: the body's frames, the remote Gain, collected into a WAV answer of the body's rate and channels. The
    /// pipeline is aborted (and its remote session closed) when the client goes away.
    /// </summary>
    public static async Task<IResult> HandleAsync(HttpContext context, MediaCluster cluster, ActorSystem system, IOptions<ProcessingOptions> options)
    {
        var aborted = context.RequestAborted;
        if (!RemoteGain.TryParse(context.Request.Query["gain"], out var gain, out var error))
        {
            return ApiProblems.BadRequest(error);
        }

        var limit = options.Value.MaxWavBytes;
        var body = await ReadBodyAsync(context, limit, aborted);
        if (body is null)
        {
            return ApiProblems.TooLarge(limit);
        }

        if (body.Length == 0)
        {
            return ApiProblems.BadRequest("The body is empty: send a 16-bit PCM WAV file as the body, e.g. curl --data-binary @in.wav -H 'Content-Type: audio/wav'.");
        }

        PcmWav wav;
        try
        {
            wav = PcmWav.Read(body);
        }
        catch (InvalidDataException e)
        {
            return ApiProblems.BadRequest(e.Message);
        }

        if (await cluster.WhyNoExecutorAsync(aborted) is { } advice)
        {
            return ApiProblems.NoExecutor(context, advice);
        }

        try
        {
            var (killSwitch, processed) = Source.From(wav.ToFrames())
                .ViaMaterialized(KillSwitches.Single<AudioFrame>(), Keep.Right)
                .Via(RemoteGain.Flow(gain))
                .ToMaterialized(Sink.Seq<AudioFrame>(), Keep.Both)
                .Run(system.Materializer());
            await using (aborted.Register(() => killSwitch.Abort(new OperationCanceledException("The client went away."))))
            {
                return Results.Bytes(PcmWav.Write(await processed, wav.SampleRate, wav.Channels), "audio/wav");
            }
        }
        catch (RemoteStageException e)
        {
            return ApiProblems.RemoteFailed(context, e);
        }
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, long limit, CancellationToken cancellationToken)
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }

        // The server's own limit (30 MB by default in Kestrel) gives way to this one, which the loop below enforces, so
        // that a body over it gets the 413 with its message (Kestrel counts what it reads ahead and would fail first).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > limit)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }
}

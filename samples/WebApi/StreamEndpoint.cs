using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using AkkaMedia.Frames;
using AkkaMedia.Remote;
using Microsoft.Extensions.Options;

namespace AkkaMedia.Samples.WebApi;

/// <summary>
/// <c>/process/stream?gain=2&amp;rate=48000&amp;channels=1</c>, a WebSocket: every binary message of interleaved 16-bit
/// little-endian PCM the client sends comes back through the remote Gain stage as one binary message, in order.
/// </summary>
internal static class StreamEndpoint
{
    /// <summary>
    /// Checks the query (400) and that an executor is up (503), then runs one pipeline for the connection. When the
    /// client closes, what is under way is sent back and the server closes normally; a bad message closes with 1007
    /// (invalid payload), a remote failure with 1011 (server error), each with the reason as close description.
    /// </summary>
    public static async Task<IResult> HandleAsync(HttpContext context, MediaCluster cluster, ActorSystem system, IOptions<ProcessingOptions> options)
    {
        var aborted = context.RequestAborted;
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return ApiProblems.BadRequest("Open a WebSocket here (ws://HOST/process/stream?gain=2&rate=48000&channels=1) and send binary messages of 16-bit PCM.");
        }

        if (!RemoteGain.TryParse(context.Request.Query["gain"], out var gain, out var error))
        {
            return ApiProblems.BadRequest(error);
        }

        if (!TryParseInt(context.Request.Query["rate"], 48000, 1000, 384000, "rate", out var rate, out error)
            || !TryParseInt(context.Request.Query["channels"], 1, 1, 32, "channels", out var channels, out error))
        {
            return ApiProblems.BadRequest(error);
        }

        if (await cluster.WhyNoExecutorAsync(aborted) is { } advice)
        {
            return ApiProblems.NoExecutor(context, advice);
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var limit = (int)Math.Min(options.Value.MaxWavBytes, int.MaxValue);
        var frames = Source.UnfoldAsync(0L, async sequence =>
        {
            var pcm = await ReceiveAsync(socket, limit, channels, aborted);
            return pcm is null
                ? Option<(long, AudioFrame)>.None
                : (sequence + 1, new AudioFrame(PcmWav.ToFloats(pcm), rate, channels, sequence));
        });
        try
        {
            await frames
                .Via(RemoteGain.Flow(gain))
                .SelectAsync(1, async frame =>
                {
                    var pcm = new byte[2 * frame.Samples.Length];
                    PcmWav.ToPcm16(frame.Samples.Span, pcm);
                    await socket.SendAsync(pcm, WebSocketMessageType.Binary, endOfMessage: true, aborted);
                    return NotUsed.Instance;
                })
                .RunWith(Sink.Ignore<NotUsed>(), system.Materializer());
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", aborted);
        }
        catch (Exception e) when (Cause(e) is InvalidDataException or RemoteStageException or WebSocketException or OperationCanceledException)
        {
            // A client that went away (WebSocketException, cancellation) has nobody left to tell: the stream stopped,
            // and with it the remote session.
            var cause = Cause(e);
            if (cause is InvalidDataException or RemoteStageException)
            {
                var status = cause is InvalidDataException ? WebSocketCloseStatus.InvalidPayloadData : WebSocketCloseStatus.InternalServerError;
                await CloseAsync(socket, status, cause.Message, aborted);
            }
        }

        return Results.Empty;
    }

    /// <summary>The next binary message, or null when the client closed; throws <see cref="InvalidDataException"/> for a message this endpoint cannot take.</summary>
    private static async Task<byte[]?> ReceiveAsync(WebSocket socket, int limit, int channels, CancellationToken cancellationToken)
    {
        using var message = new MemoryStream();
        var buffer = new byte[16384];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            if (received.MessageType != WebSocketMessageType.Binary)
            {
                throw new InvalidDataException("Send binary messages of 16-bit PCM, not text.");
            }

            if (message.Length + received.Count > limit)
            {
                throw new InvalidDataException($"A message is over {limit} bytes: send shorter ones (20 ms each, say).");
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage && message.Length > 0)
            {
                if (message.Length % (2 * channels) != 0)
                {
                    throw new InvalidDataException($"A message of {message.Length} bytes is not whole 16-bit samples for {channels} channel(s).");
                }

                return message.ToArray();
            }
        }
    }

    /// <summary>The failure itself: a failed <c>UnfoldAsync</c> source reports its task's <see cref="AggregateException"/>.</summary>
    private static Exception Cause(Exception e) => e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Cause(aggregate.InnerExceptions[0]) : e;

    private static async Task CloseAsync(WebSocket socket, WebSocketCloseStatus status, string reason, CancellationToken cancellationToken)
    {
        // A close description holds at most 123 bytes of UTF-8.
        var description = reason;
        while (Encoding.UTF8.GetByteCount(description) > 123)
        {
            description = description[..^1];
        }

        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(status, description, cancellationToken);
        }
    }

    private static bool TryParseInt(string? text, int fallback, int min, int max, string name, out int value, out string error)
    {
        error = string.Empty;
        value = fallback;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }

        error = $"{name}={text} is not valid: give a whole number from {min} to {max} (default {fallback}).";
        return false;
    }
}

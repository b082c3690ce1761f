using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// Streams audio frames through a media link to itself (two links over a Unix socket in the worker's own temporary
/// folder, the server end joined to a pass-through) before a warm worker reports ready: the frame codec, the link's
/// reader and writer, the channel stages and the stream interpreter are compiled, and called often enough to be
/// recompiled optimized while the worker waits, instead of in the first seconds of its session's stream.
/// </summary>
/// <remarks>Best effort: any failure or a run over its time bound is written to standard error and the worker goes on.</remarks>
internal static class WorkerStreamWarmUp
{
    private const int Rounds = 3;
    private const int FramesPerRound = 2_000;
    private const int Window = 256;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Runs the warm-up in <paramref name="system"/>; never throws.</summary>
    /// <returns>True when every frame of every round came back; false (said on standard error) otherwise.</returns>
    public static async Task<bool> RunAsync(ExtendedActorSystem system)
    {
        var path = Path.Combine(Path.GetTempPath(), $"akka-media-warm-up-{Environment.ProcessId}.sock");
        MediaLink? server = null;
        MediaLink? client = null;
        Socket? connecting = null;
        Socket? accepted = null;
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            connecting = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            var accepting = listener.AcceptAsync();
            await connecting.ConnectAsync(new UnixDomainSocketEndPoint(path)).ConfigureAwait(false);
            accepted = await accepting.ConfigureAwait(false);
            var materializer = system.Materializer();
            var interval = WorkerHost.HeartbeatInterval;
            var idle = WorkerHost.IdleTimeout;
            var channels = new Dictionary<string, ILinkStageControl>();
            server = new MediaLink(accepted, system, "warm-up", interval, idle)
            {
                OnOpen = (link, channel, sessionId) =>
                {
                    lock (channels)
                    {
                        channels[sessionId].Bind(link, channel);
                    }
                },
            };
            client = new MediaLink(connecting, system, "warm-up", interval, idle);
            server.Start();
            client.Start();

            using var cancel = new CancellationTokenSource(Bound);
            for (var round = 0; round < Rounds; round++)
            {
                var sessionId = "warm-up-" + round;
                var bound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var echo = new LinkChannelStage(
                    control =>
                    {
                        lock (channels)
                        {
                            channels[sessionId] = control;
                        }

                        bound.TrySetResult();
                    },
                    Window,
                    isClient: false,
                    sessionId);
                Flow.FromGraph(echo).Join(Flow.Create<object>()).Run(materializer);
                await bound.Task.WaitAsync(cancel.Token).ConfigureAwait(false);

                var channel = round + 1;
                var sender = new LinkChannelStage(control => control.Open(client, channel, sessionId), Window, isClient: true, sessionId);
                var received = await Source.From(Enumerable.Range(0, FramesPerRound))
                    .Select(static i => (object)Frame(i))
                    .Via(sender)
                    .RunAggregate(0, static (count, element) =>
                    {
                        (element as AudioFrame)?.Release();
                        return count + 1;
                    }, materializer)
                    .WaitAsync(cancel.Token)
                    .ConfigureAwait(false);
                if (received != FramesPerRound)
                {
                    throw new InvalidOperationException($"{received} of {FramesPerRound} frames came back.");
                }
            }

            return true;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"akka-media worker: the stream warm-up did not finish ({e.GetType().Name}: {e.Message}); the worker goes on").ConfigureAwait(false);
            return false;
        }
        finally
        {
            // A link owns its socket; a socket no link took yet is released here.
            if (client is null)
            {
                connecting?.Dispose();
            }
            else
            {
                client.Dispose();
            }

            if (server is null)
            {
                accepted?.Dispose();
            }
            else
            {
                server.Dispose();
            }

            File.Delete(path);
        }
    }

    private static AudioFrame Frame(int sequence) =>
        new(new float[960], 48_000, 1, sequence, TimeSpan.FromMilliseconds(20 * sequence));
}

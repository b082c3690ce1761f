using System.Threading.Channels;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// One connection's materialization of an <see cref="EdgePipeline"/>: client audio in, the pipeline's output out, both in
/// the client's format. The protocol endpoint (<c>/media</c>, <c>/twilio</c>) reads the socket into
/// <see cref="WriteAsync"/> and sends what <see cref="Outbox"/> hands out.
/// </summary>
/// <remarks>
/// <para>In: <see cref="WriteAsync"/> completes when the pipeline has room (a few messages are held:
/// <c>akka-media.edge.incoming-buffer</c>), so an endpoint that awaits it before reading the socket again slows a client
/// that sends faster than real time down by TCP. The edge mixes, resamples and reframes the audio to the pipeline's own
/// format. <see cref="CompleteInput"/> ends the input: every stage flushes (remote ones too).</para>
/// <para>Out: audio as 20 ms packets in the client's format and every other element, through a bounded
/// <see cref="EdgeOutbox"/> that never holds the pipeline back; then one <see cref="EdgeOutgoing.End"/>.</para>
/// <para>Disposing stops the stream if it still runs (its remote stages are released) and waits for it to stop, up to
/// <c>close-timeout</c>. Not thread-safe for writers: one receive loop writes.</para>
/// </remarks>
internal sealed class EdgeSession : IAsyncDisposable
{
    private readonly Channel<object> _input;
    private readonly UniqueKillSwitch _killSwitch;
    private readonly TimeSpan _closeTimeout;
    private long _samplesIn;
    private long _sequence;
    private long _framesIn;
    private long _framesOut;

    private EdgeSession(string id, ClientAudioFormat format, Channel<object> input, EdgeOutbox outbox, UniqueKillSwitch killSwitch, Task completion, TimeSpan closeTimeout)
    {
        Id = id;
        Format = format;
        _input = input;
        Outbox = outbox;
        _killSwitch = killSwitch;
        Completion = completion;
        _closeTimeout = closeTimeout;
    }

    /// <summary>The session's id, in the <c>started</c> message, logs and errors.</summary>
    public string Id { get; }

    /// <summary>The client's format, both directions.</summary>
    public ClientAudioFormat Format { get; }

    /// <summary>What to send to the client, in order.</summary>
    public EdgeOutbox Outbox { get; }

    /// <summary>Completes when the stream has stopped: normally, or faulted with the pipeline's failure.</summary>
    public Task Completion { get; }

    /// <summary>Audio messages received from the client.</summary>
    public long FramesIn => Interlocked.Read(ref _framesIn);

    /// <summary>Audio packets sent to the client (counted by the endpoint with <see cref="CountSent"/>).</summary>
    public long FramesOut => Interlocked.Read(ref _framesOut);

    /// <summary>
    /// Materializes <paramref name="pipeline"/> for a client speaking <paramref name="format"/>, with the limits of
    /// <paramref name="settings"/>, remote stages opened with <paramref name="remoteOptions"/> (null: configured), in
    /// <paramref name="materializer"/>. <paramref name="onDropped"/> is told of every outgoing packet dropped for a slow
    /// client (for metrics), on the pipeline's thread.
    /// </summary>
    public static EdgeSession Start(
        EdgePipeline pipeline,
        ClientAudioFormat format,
        EdgeSettings settings,
        IMaterializer materializer,
        RemoteStageOptions? remoteOptions,
        Action<int>? onDropped = null)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var input = Channel.CreateBounded<object>(new BoundedChannelOptions(settings.IncomingBuffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var outbox = new EdgeOutbox(settings.OutgoingPackets, onDropped);
        var (killSwitch, done) = ChannelSource.FromReader(input.Reader)
            .Via(NodeFlow.Create(() => new EdgeAudioAdapter(pipeline.SampleRate, pipeline.Channels, pipeline.SamplesPerFrame), "edge-in"))
            .Via(pipeline.CreateStages(remoteOptions))
            .Via(NodeFlow.Create(() => new EdgeAudioAdapter(format.SampleRate, format.Channels, format.PacketFrames), "edge-out"))
            .ViaMaterialized(KillSwitches.Single<object>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<object>(element =>
            {
                if (element is AudioFrame audio)
                {
                    outbox.PostAudio(audio);
                }
                else
                {
                    outbox.PostElement(element);
                }
            }), Keep.Both)
            .Run(materializer);
        var completion = done.ContinueWith(
            t =>
            {
                // A writer waiting for room in a stream that stopped must not wait forever.
                input.Writer.TryComplete();
                outbox.PostEnd(t.IsFaulted ? Unwrap(t.Exception!) : null);
                if (t.IsFaulted)
                {
                    throw Unwrap(t.Exception!);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return new EdgeSession(id, format, input, outbox, killSwitch, completion, settings.CloseTimeout);
    }

    /// <summary>
    /// Hands <paramref name="samples"/> (interleaved, in the client's format, a whole number of sample frames) to the
    /// pipeline, which owns the array from then on. Completes when the pipeline had room for it.
    /// </summary>
    /// <returns>False when the session no longer takes audio (its input ended or the stream stopped).</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting for room.</exception>
    public async ValueTask<bool> WriteAsync(float[] samples, CancellationToken cancellationToken)
    {
        CountIn();
        if (samples.Length == 0)
        {
            return true;
        }

        var frame = new AudioFrame(samples, Format.SampleRate, Format.Channels, _sequence++, MediaTimeOf(_samplesIn));
        _samplesIn += samples.Length / Format.Channels;
        try
        {
            await _input.Writer.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>Ends the input: the pipeline flushes and then completes (the outbox's <see cref="EdgeOutgoing.End"/>).</summary>
    public void CompleteInput() => _input.Writer.TryComplete();

    /// <summary>Counts one audio message received from the client (<see cref="WriteAsync"/> counts those it is given).</summary>
    public void CountIn() => Interlocked.Increment(ref _framesIn);

    /// <summary>Counts one audio packet sent to the client.</summary>
    public void CountSent() => Interlocked.Increment(ref _framesOut);

    /// <summary>Stops the stream at once, failing it with <paramref name="reason"/> (its remote stages are released).</summary>
    public void Abort(Exception reason)
    {
        _input.Writer.TryComplete();
        _killSwitch.Abort(reason);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!Completion.IsCompleted)
        {
            Abort(new EdgeSessionClosedException($"Session {Id} closed before its pipeline finished."));
        }

        try
        {
            await Completion.WaitAsync(_closeTimeout).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The stream's own failure was already reported through the outbox; a stream that does not stop within the
            // close timeout is left to its kill switch.
        }

        Outbox.Dispose();
    }

    private static Exception Unwrap(AggregateException e) => e.InnerExceptions.Count == 1 ? e.InnerExceptions[0] : e;

    private TimeSpan MediaTimeOf(long samples) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / Format.SampleRate);
}

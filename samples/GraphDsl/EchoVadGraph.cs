using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;

namespace AkkaMedia.Samples;

/// <summary>
/// The sample's graph, written with <see cref="GraphDsl"/>:
/// <code>
///            ┌─▶ echo (remote) ───────────────┐
/// frames ─▶ Broadcast ─▶ dry (buffer, padded) ───▶ ZipWith by sequence ─▶ EchoedFrame
///            └─▶ VAD (local, buffer, padded) ──┘
/// </code>
/// </summary>
/// <remarks>
/// <para>The echo emits one frame per input plus a tail frame at end of stream; the dry and VAD
/// branches emit exactly one element per input. Those two branches are padded with an endless run
/// of empty options after they complete (streams carry no nulls), so the zip pairs the tail with
/// (none, none) and completes when the echo branch does, without dropping the tail or waiting
/// forever.</para>
/// <para>The local branches buffer <c>localBuffer</c> elements: Broadcast only emits when every branch
/// pulls, so without the buffers the graph would move one frame per network round trip instead of
/// keeping the remote stage's pipeline full.</para>
/// <para>A frame whose dry copy or decision carries another sequence number fails the stream: the
/// branches lost step, and pairing further would mislabel everything after.</para>
/// </remarks>
internal static class EchoVadGraph
{
    public static Flow<AudioFrame, EchoedFrame, NotUsed> Create(
        Flow<AudioFrame, AudioFrame, NotUsed> echo,
        Flow<AudioFrame, VadDecision, NotUsed> vad,
        int localBuffer = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localBuffer);
        return Flow.FromGraph(GraphDsl.Create(builder =>
        {
            var fanOut = builder.Add(new Broadcast<AudioFrame>(3));
            var fanIn = builder.Add(ZipWith.Apply<AudioFrame, Option<AudioFrame>, Option<VadDecision>, EchoedFrame>(Pair));

            builder.From(fanOut.Out(0)).Via(echo).To(fanIn.In0);
            builder.From(fanOut.Out(1)).Via(Padded(Flow.Create<AudioFrame>(), localBuffer)).To(fanIn.In1);
            builder.From(fanOut.Out(2)).Via(Padded(vad, localBuffer)).To(fanIn.In2);

            return new FlowShape<AudioFrame, EchoedFrame>(fanOut.In, fanIn.Out);
        }));
    }

    private static Flow<AudioFrame, Option<T>, NotUsed> Padded<T>(Flow<AudioFrame, T, NotUsed> branch, int buffer) =>
        branch
            .Select(static x => Option<T>.Create(x))
            .Buffer(buffer, OverflowStrategy.Backpressure)
            .Concat(Source.Repeat(Option<T>.None));

    private static EchoedFrame Pair(AudioFrame wet, Option<AudioFrame> dryCopy, Option<VadDecision> vadDecision)
    {
        var dry = dryCopy.HasValue ? dryCopy.Value : null;
        var decision = vadDecision.HasValue ? vadDecision.Value : null;
        if ((dry is null) != (decision is null)
            || (dry is not null && dry.Sequence != wet.Sequence)
            || (decision is not null && decision.Sequence != wet.Sequence))
        {
            throw new InvalidOperationException(
                $"The branches lost step: echoed frame #{wet.Sequence} met dry frame #{dry?.Sequence.ToString() ?? "none"} " +
                $"and the VAD decision on frame #{decision?.Sequence.ToString() ?? "none"}.");
        }

        return new EchoedFrame(wet, dry, decision);
    }
}

using System.Buffers;
using CsCheck;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;
using AkkaMedia.Nodes.Tests.General;

namespace AkkaMedia.Nodes.Tests.Audio;

/// <summary>
/// The <see cref="IStatefulNode"/> contract of the built-in stateful nodes: a node restored from the state another
/// saved after any prefix of a stream emits, for the rest of it, exactly what the saved node would have emitted.
/// </summary>
public sealed class StatefulNodeSpec
{
    /// <summary>
    /// A stream: 1 or 2 channels at one of a few rates, 1–30 frames of 1–700 samples per channel each, loud, quiet or
    /// silent frame by frame (so the VAD's hangover is exercised), and the frame after which the checkpoint is taken.
    /// </summary>
    private static readonly Gen<(IReadOnlyList<AudioFrame> Frames, int Split)> Streams =
        from channels in Gen.Int[1, 2]
        from rate in Gen.OneOfConst(8_000, 16_000, 44_100, 48_000)
        from lengths in Gen.Int[1, 700].Array[1, 30]
        from seed in Gen.Int
        from split in Gen.Int[0, lengths.Length]
        select ((IReadOnlyList<AudioFrame>)MakeFrames(lengths, rate, channels, seed), split);

    [Fact]
    public void EchoNode_must_resume_sample_for_sample_from_its_saved_state() =>
        AssertResumes(() => new EchoNode(TimeSpan.FromMilliseconds(12.5), 0.6f, 0.8f));

    [Fact]
    public void EchoNode_without_delay_must_resume_sample_for_sample_from_its_saved_state() =>
        AssertResumes(() => new EchoNode(TimeSpan.Zero, 0.5f));

    [Fact]
    public void ReframeNode_must_resume_with_the_samples_it_held_and_the_same_numbering() =>
        AssertResumes(() => new ReframeNode(320));

    [Fact]
    public void ResampleNode_must_resume_sample_for_sample_from_its_saved_state() =>
        AssertResumes(() => new ResampleNode(16_000));

    [Fact]
    public void VadNode_must_resume_with_the_hangover_it_had_left() =>
        AssertResumes(() => new VadNode(-30f, TimeSpan.FromMilliseconds(30)));

    [Fact]
    public void State_cut_short_must_be_refused_naming_the_node_and_leave_it_as_it_was()
    {
        var frames = MakeFrames([480, 480, 480], 16_000, 1, seed: 7);
        var saved = Run(new EchoNode(TimeSpan.FromMilliseconds(10), 0.5f), frames, out _);
        var node = new EchoNode(TimeSpan.FromMilliseconds(10), 0.5f);

        var error = Assert.Throws<InvalidDataException>(() => node.RestoreState(saved.AsSpan(0, 10)));

        Assert.Contains("'EchoNode'", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        AssertSameOutputs(Outputs(new EchoNode(TimeSpan.FromMilliseconds(10), 0.5f), frames), Outputs(node, frames));
    }

    [Fact]
    public void State_of_another_format_version_must_be_refused_saying_which()
    {
        var saved = Run(new VadNode(), MakeFrames([160], 8_000, 1, seed: 1), out _);
        saved[0] = 9;

        var error = Assert.Throws<InvalidDataException>(() => new VadNode().RestoreState(saved));

        Assert.Contains("format version 9", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void State_with_bytes_left_over_must_be_refused()
    {
        var saved = Run(new VadNode(), MakeFrames([160], 8_000, 1, seed: 1), out _);

        var error = Assert.Throws<InvalidDataException>(() => new VadNode().RestoreState([.. saved, 0]));

        Assert.Contains("left over", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Echo_state_saved_with_another_delay_must_be_refused_saying_so()
    {
        var saved = Run(new EchoNode(TimeSpan.FromMilliseconds(10), 0.5f), MakeFrames([480], 48_000, 2, seed: 3), out _);

        var error = Assert.Throws<InvalidDataException>(() => new EchoNode(TimeSpan.FromMilliseconds(20), 0.5f).RestoreState(saved));

        Assert.Contains("another delay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reframe_state_saved_with_another_frame_size_must_be_refused_saying_so()
    {
        var saved = Run(new ReframeNode(400), MakeFrames([300], 16_000, 1, seed: 3), out _);

        var error = Assert.Throws<InvalidDataException>(() => new ReframeNode(200).RestoreState(saved));

        Assert.Contains("another frame size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resample_state_saved_for_another_target_rate_must_be_refused_saying_so()
    {
        var saved = Run(new ResampleNode(16_000), MakeFrames([480], 48_000, 1, seed: 3), out _);

        var error = Assert.Throws<InvalidDataException>(() => new ResampleNode(48_000).RestoreState(saved));

        Assert.Contains("another rate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delay_line_length_larger_than_the_bytes_left_must_be_refused_without_allocating_it()
    {
        var saved = Run(new EchoNode(TimeSpan.FromMilliseconds(10), 0.5f), MakeFrames([480], 48_000, 1, seed: 3), out _);

        // The delay line's count is the last length field: the 4 bytes before its 480 samples.
        var countAt = saved.Length - (480 * sizeof(float)) - sizeof(int);
        BitConverter.TryWriteBytes(saved.AsSpan(countAt), int.MaxValue);

        var error = Assert.Throws<InvalidDataException>(() => new EchoNode(TimeSpan.FromMilliseconds(10), 0.5f).RestoreState(saved));
        Assert.Contains($"announces {int.MaxValue} samples", error.Message, StringComparison.Ordinal);
    }

    private static void AssertResumes<TOut>(Func<Node<AudioFrame, TOut>> make) =>
        Streams.Sample(
            stream =>
            {
                var (frames, split) = stream;
                var whole = Outputs(make(), frames);

                var first = make();
                var before = new ListOutput<TOut>();
                foreach (var frame in frames.Take(split))
                {
                    first.Process(frame, before);
                }

                var state = new ArrayBufferWriter<byte>();
                ((IStatefulNode)first).SaveState(state);

                // Saving leaves the node as it was: it goes on exactly like the uninterrupted run.
                AssertSameOutputs(whole, [.. before.Items, .. Outputs(first, frames.Skip(split))]);

                var resumed = make();
                ((IStatefulNode)resumed).RestoreState(state.WrittenSpan);
                AssertSameOutputs(whole, [.. before.Items, .. Outputs(resumed, frames.Skip(split))]);
            },
            iter: 150);

    private static List<TOut> Outputs<TOut>(Node<AudioFrame, TOut> node, IEnumerable<AudioFrame> frames)
    {
        var output = new ListOutput<TOut>();
        foreach (var frame in frames)
        {
            node.Process(frame, output);
        }

        node.Complete(output);
        return output.Items;
    }

    /// <summary>Runs <paramref name="frames"/> through <paramref name="node"/> and returns the state it saves then.</summary>
    private static byte[] Run<TOut>(Node<AudioFrame, TOut> node, IEnumerable<AudioFrame> frames, out List<TOut> outputs)
    {
        var output = new ListOutput<TOut>();
        foreach (var frame in frames)
        {
            node.Process(frame, output);
        }

        outputs = output.Items;
        var state = new ArrayBufferWriter<byte>();
        ((IStatefulNode)node).SaveState(state);
        return state.WrittenSpan.ToArray();
    }

    private static void AssertSameOutputs<TOut>(IReadOnlyList<TOut> expected, IReadOnlyList<TOut> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            // AudioFrame equality is bit for bit (format, sequence, timestamp, samples); VadDecision is a record.
            Assert.Equal(expected[i], actual[i]);
        }
    }

    private static List<AudioFrame> MakeFrames(int[] lengths, int sampleRate, int channels, int seed)
    {
        var random = new Random(seed);
        var frames = new List<AudioFrame>();
        long position = 0;
        foreach (var length in lengths)
        {
            var level = random.Next(3) switch { 0 => 0f, 1 => 0.002f, _ => 0.6f };
            var samples = new float[length * channels];
            for (var i = 0; i < samples.Length; i++)
            {
                samples[i] = level * ((float)random.NextDouble() * 2 - 1);
            }

            frames.Add(new AudioFrame(samples, sampleRate, channels, frames.Count, TimeSpan.FromTicks(position * TimeSpan.TicksPerSecond / sampleRate)));
            position += length;
        }

        return frames;
    }
}

using AkkaMedia.Frames;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Core.Tests.Link;

/// <summary>The inputs a stage with failover keeps until a checkpoint covers them: order, bounds and pooled frames.</summary>
public sealed class ReplayBufferSpec
{
    [Fact]
    public void Inputs_must_be_held_in_stream_order_across_the_ring_and_dropped_as_checkpoints_cover_them()
    {
        var buffer = new ReplayBuffer(4);
        for (var i = 0; i < 3; i++)
        {
            buffer.Add(i);
        }

        Assert.Equal(2, buffer.Acknowledge(2));
        Assert.Equal(2, buffer.FirstIndex);
        for (var i = 3; i < 6; i++)
        {
            buffer.Add(i);
        }

        Assert.True(buffer.IsFull);
        Assert.Equal([2, 3, 4, 5], Enumerable.Range(0, buffer.Count).Select(o => (int)buffer[o]));
        Assert.Equal(0, buffer.Acknowledge(1));
        Assert.Equal(4, buffer.Count);
        Assert.Equal(4, buffer.Acknowledge(6));
        Assert.Equal((0, 6L), (buffer.Count, buffer.FirstIndex));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer[0]);
    }

    [Fact]
    public void A_full_buffer_must_refuse_another_input_and_a_checkpoint_beyond_the_inputs_sent_must_be_refused_as_corrupt()
    {
        var buffer = new ReplayBuffer(2);
        buffer.Add("a");
        buffer.Add("b");

        Assert.Contains("wait for a checkpoint", Assert.Throws<InvalidOperationException>(() => buffer.Add("c")).Message, StringComparison.Ordinal);
        var error = Assert.Throws<InvalidDataException>(() => buffer.Acknowledge(3));
        Assert.Contains("only 2 were sent", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, buffer.Count);
    }

    [Fact]
    public void A_pooled_frame_must_stay_readable_while_held_after_its_sender_released_it_and_be_returned_once_covered()
    {
        var buffer = new ReplayBuffer(2);
        var frame = AudioFrame.Rent(4, 48_000, 1, 0, TimeSpan.Zero, out var samples);
        samples.Fill(0.25f);

        buffer.Add(frame);
        frame.Release();

        Assert.Equal([0.25f, 0.25f, 0.25f, 0.25f], ((AudioFrame)buffer[0]).Samples.ToArray());
        buffer.Acknowledge(1);
        Assert.Throws<ObjectDisposedException>(() => frame.Samples.ToArray());
    }

    [Fact]
    public void Clearing_must_return_every_pooled_frame_held()
    {
        var buffer = new ReplayBuffer(3);
        var frames = Enumerable.Range(0, 3).Select(i => AudioFrame.Rent(4, 48_000, 1, i, TimeSpan.Zero, out _)).ToList();
        foreach (var frame in frames)
        {
            buffer.Add(frame);
            frame.Release();
        }

        buffer.Clear();

        Assert.Equal(0, buffer.Count);
        Assert.All(frames, f => Assert.Throws<ObjectDisposedException>(() => f.Samples.ToArray()));
    }
}

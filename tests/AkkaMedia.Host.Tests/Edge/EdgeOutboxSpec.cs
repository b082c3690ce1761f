using AkkaMedia.Frames;
using AkkaMedia.Host.Edge;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>The outgoing side of a session: order, urgent controls, drop-oldest audio with every drop reported, the end.</summary>
public sealed class EdgeOutboxSpec
{
    [Fact]
    public void Items_must_come_out_in_the_order_they_were_added_with_urgent_controls_first()
    {
        var outbox = new EdgeOutbox(maxPackets: 10);
        var first = Packet(0);
        outbox.PostAudio(first);
        outbox.PostElement("event");
        outbox.PostControl("mark");
        var second = Packet(1);
        outbox.PostAudio(second);
        outbox.PostControl("pong", urgent: true);
        outbox.PostEnd(null);

        Assert.Equal(
            [new EdgeOutgoing.Control("pong"), new EdgeOutgoing.Audio(first), new EdgeOutgoing.Element("event"), new EdgeOutgoing.Control("mark"), new EdgeOutgoing.Audio(second), new EdgeOutgoing.End(null)],
            TakeAll(outbox));
    }

    [Fact]
    public void A_full_outbox_must_drop_the_oldest_audio_and_report_the_count_before_the_next_item()
    {
        var dropped = 0;
        var outbox = new EdgeOutbox(maxPackets: 3, onDropped: n => dropped += n);
        var packets = Enumerable.Range(0, 7).Select(Packet).ToList();
        outbox.PostAudio(packets[0]);
        outbox.PostControl("mark");
        foreach (var packet in packets.Skip(1))
        {
            outbox.PostAudio(packet);
        }

        Assert.Equal(
            [new EdgeOutgoing.Dropped(4, 0), new EdgeOutgoing.Control("mark"), new EdgeOutgoing.Audio(packets[4]), new EdgeOutgoing.Audio(packets[5]), new EdgeOutgoing.Audio(packets[6])],
            TakeAll(outbox));
        Assert.Equal(4, dropped);
        Assert.Equal(4, outbox.TotalDroppedPackets);
    }

    [Fact]
    public void Elements_beyond_their_allowance_must_drop_the_oldest_element_and_report_it_while_controls_stay()
    {
        var outbox = new EdgeOutbox(maxPackets: 3);
        outbox.PostControl("mark");
        for (var i = 0; i < EdgeOutbox.MaxElements + 2; i++)
        {
            outbox.PostElement(i);
        }

        var items = TakeAll(outbox);

        Assert.Equal(new EdgeOutgoing.Dropped(0, 2), items[0]);
        Assert.Equal(new EdgeOutgoing.Control("mark"), items[1]);
        Assert.Equal(Enumerable.Range(2, EdgeOutbox.MaxElements).Cast<object>(), items.Skip(2).Select(i => ((EdgeOutgoing.Element)i).Value));
    }

    [Fact]
    public async Task A_taker_must_wait_for_the_next_item_and_nothing_but_urgent_controls_may_follow_the_end()
    {
        var outbox = new EdgeOutbox(maxPackets: 3);
        var waiting = outbox.TakeAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);

        outbox.PostEnd(new InvalidOperationException("failed"));
        var end = Assert.IsType<EdgeOutgoing.End>(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        outbox.PostAudio(Packet(1));
        outbox.PostElement("late");
        outbox.PostControl("late mark");
        outbox.PostEnd(null);
        outbox.PostControl("close", urgent: true);

        Assert.Equal("failed", end.Failure!.Message);
        Assert.Equal([new EdgeOutgoing.Control("close")], TakeAll(outbox));
    }

    [Fact]
    public async Task A_waiting_taker_must_end_with_a_cancellation_when_its_token_is_cancelled()
    {
        using var outbox = new EdgeOutbox(maxPackets: 3);
        using var cancel = new CancellationTokenSource();
        outbox.PostControl("first");
        Assert.Equal(new EdgeOutgoing.Control("first"), await outbox.TakeAsync(cancel.Token));
        var waiting = outbox.TakeAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private static AudioFrame Packet(int sequence) => new(new float[320], 16000, 1, sequence);

    private static List<EdgeOutgoing> TakeAll(EdgeOutbox outbox)
    {
        var items = new List<EdgeOutgoing>();
        while (outbox.TryTake(out var item))
        {
            items.Add(item);
        }

        return items;
    }
}

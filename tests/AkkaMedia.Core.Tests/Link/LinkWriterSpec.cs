using System.Buffers.Binary;
using System.Net.Sockets;
using AkkaMedia.Protocol.Link;

namespace AkkaMedia.Core.Tests.Link;

public sealed class LinkWriterSpec
{
    [Fact]
    public async Task An_urgent_message_must_be_written_at_once_while_the_flush_of_a_busy_link_waits_for_the_thread_pool()
    {
        var (socket, peer) = await LoopbackSockets.PairAsync();
        using (peer)
        {
            var (writer, writes, queued) = BusyWriter(socket);

            writer.Append(LinkMessageKind.Demand, 1, [1, 0, 0, 0]);
            writer.Append(LinkMessageKind.Demand, 2, [2, 0, 0, 0]);
            Assert.Empty(writes);
            Assert.Single(queued);

            writer.Append(LinkMessageKind.ProbeReply, 0, [9, 9, 9, 9, 9, 9, 9, 9], urgent: true);

            Assert.Equal([(LinkMessageKind.Demand, 1), (LinkMessageKind.Demand, 2), (LinkMessageKind.ProbeReply, 0)], Messages(Assert.Single(writes)));

            // The pool gets to the queued flush at last: the work is done.
            queued[0]();
            Assert.Single(writes);

            writer.Append(LinkMessageKind.Demand, 3, [3, 0, 0, 0]);
            Assert.Equal(2, queued.Count);
            queued[1]();
            Assert.Equal([(LinkMessageKind.Demand, 3)], Messages(writes[1]));
            writer.Finish(null);
        }
    }

    [Fact]
    public async Task Messages_that_are_not_urgent_must_wait_for_the_queued_flush_of_a_busy_link_and_go_out_together()
    {
        var (socket, peer) = await LoopbackSockets.PairAsync();
        using (peer)
        {
            var (writer, writes, queued) = BusyWriter(socket);

            for (var channel = 1; channel <= 5; channel++)
            {
                writer.Append(LinkMessageKind.Demand, channel, [1, 0, 0, 0]);
            }

            Assert.Empty(writes);
            Assert.Single(queued);
            queued[0]();
            Assert.Equal([1, 2, 3, 4, 5], Messages(Assert.Single(writes)).Select(static m => m.Channel));
            writer.Finish(null);
        }
    }

    [Fact]
    public async Task Buffers_a_backlog_grew_must_be_given_back_once_no_write_needs_them_and_kept_while_one_recently_did()
    {
        var (socket, peer) = await LoopbackSockets.PairAsync();
        using (peer)
        {
            var (writer, writes, queued) = BusyWriter(socket);
            var initial = writer.BufferBytes;
            writer.Append(LinkMessageKind.Data, 1, new byte[600 * 1024]);
            queued[0]();
            Assert.True(writer.BufferBytes > initial, "a 600 KB message grew no buffer");

            // Recently needed: a small write keeps the room.
            writer.ShrinkAfter = TimeSpan.FromHours(1);
            writer.Append(LinkMessageKind.Demand, 1, [1, 0, 0, 0]);
            queued[1]();
            Assert.True(writer.BufferBytes > initial, "the buffers shrank right after a large write");

            // Not needed for the shrink delay: the next small write gives the room back.
            writer.ShrinkAfter = TimeSpan.Zero;
            writer.Append(LinkMessageKind.Demand, 1, [1, 0, 0, 0]);
            queued[2]();
            Assert.Equal(initial, writer.BufferBytes);
            Assert.Equal(3, writes.Count);
            Assert.Equal(4 + 1 + 4 + (600 * 1024), writes[0].Length);
            writer.Finish(null);
        }
    }

    /// <summary>
    /// A writer whose link is always busy, whose writes are recorded and complete at once, and whose flushes queued on
    /// the thread pool wait until the spec runs them (a pool busy with other work).
    /// </summary>
    private static (LinkWriter Writer, List<byte[]> Writes, List<Action> Queued) BusyWriter(Socket socket)
    {
        var writes = new List<byte[]>();
        var queued = new List<Action>();
        var writer = new LinkWriter(socket, null, e => throw new InvalidOperationException("no write may fail here", e))
        {
            WriteOverride = bytes =>
            {
                writes.Add(bytes.ToArray());
                return ValueTask.FromResult(bytes.Length);
            },
            QueueOverride = queued.Add,
            QuietLinkWritesAtOnce = false,
        };
        return (writer, writes, queued);
    }

    private static List<(LinkMessageKind Kind, int Channel)> Messages(byte[] bytes)
    {
        var messages = new List<(LinkMessageKind, int)>();
        for (var offset = 0; offset < bytes.Length;)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            messages.Add(((LinkMessageKind)bytes[offset + 4], BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + 5))));
            offset += 4 + length;
        }

        return messages;
    }
}

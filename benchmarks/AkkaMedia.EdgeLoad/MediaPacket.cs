using System.Buffers.Binary;

namespace AkkaMedia.EdgeLoad;

/// <summary>
/// The 20 ms PCM16 packets of the load: a quiet 440 Hz tone whose first samples carry a stamp (a marker,
/// the session's number and the packet's sequence number), so a returned packet names the packet it
/// answers. Each stamp sample holds one byte scaled by 64: a pass-through that converts PCM16 to float
/// and back (with a 32767 or a 32768 scale, rounded either way) returns it within ±1, which still reads
/// back exactly. A packet whose stamp does not read back (the edge resampled it) is paired in order.
/// </summary>
internal sealed class MediaPacket
{
    private const int Marker = 0xA5;
    private const int Scale = 64;
    private const int StampSamples = 7;

    private readonly byte[] _template;

    /// <param name="sampleRate">The client's rate; one packet is <c>rate / 50</c> mono samples.</param>
    public MediaPacket(int sampleRate)
    {
        var samples = sampleRate / 50;
        _template = new byte[samples * 2];
        for (var i = 0; i < samples; i++)
        {
            var value = (short)(2000 * Math.Sin(2 * Math.PI * 440 * i / sampleRate));
            BinaryPrimitives.WriteInt16LittleEndian(_template.AsSpan(i * 2), value);
        }
    }

    /// <summary>Bytes in one packet.</summary>
    public int Length => _template.Length;

    /// <summary>Writes the packet of <paramref name="session"/> numbered <paramref name="sequence"/> into <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination, int session, int sequence)
    {
        _template.CopyTo(destination);
        WriteByte(destination, 0, Marker);
        WriteByte(destination, 1, session & 0xFF);
        WriteByte(destination, 2, (session >> 8) & 0xFF);
        WriteByte(destination, 3, sequence & 0xFF);
        WriteByte(destination, 4, (sequence >> 8) & 0xFF);
        WriteByte(destination, 5, (sequence >> 16) & 0xFF);
        WriteByte(destination, 6, (sequence >> 24) & 0x7F);
    }

    /// <summary>Reads the stamp of a returned packet.</summary>
    /// <returns>False when the packet carries no stamp that reads back (too short, or not the marker).</returns>
    public static bool TryRead(ReadOnlySpan<byte> packet, out int session, out int sequence)
    {
        session = 0;
        sequence = 0;
        if (packet.Length < StampSamples * 2 || ReadByte(packet, 0) != Marker)
        {
            return false;
        }

        Span<int> bytes = stackalloc int[StampSamples];
        for (var i = 1; i < StampSamples; i++)
        {
            bytes[i] = ReadByte(packet, i);
            if (bytes[i] < 0)
            {
                return false;
            }
        }

        session = bytes[1] | (bytes[2] << 8);
        sequence = bytes[3] | (bytes[4] << 8) | (bytes[5] << 16) | (bytes[6] << 24);
        return true;
    }

    private static void WriteByte(Span<byte> packet, int index, int value) =>
        BinaryPrimitives.WriteInt16LittleEndian(packet[(index * 2)..], (short)(value * Scale));

    /// <returns>The byte, or -1 when the sample is not within ±<see cref="Scale"/>/4 of a stamp value.</returns>
    private static int ReadByte(ReadOnlySpan<byte> packet, int index)
    {
        var sample = BinaryPrimitives.ReadInt16LittleEndian(packet[(index * 2)..]);
        var value = (int)Math.Round(sample / (double)Scale);
        return value is >= 0 and <= 0xFF && Math.Abs(sample - (value * Scale)) <= Scale / 4 ? value : -1;
    }
}

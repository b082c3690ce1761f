using System.Buffers.Binary;

namespace AkkaMedia.Fuzz;

/// <summary>
/// Makes inputs from valid ones the way a coverage-free fuzzer does: bit flips, random and boundary bytes, boundary
/// integers over length fields, inserted, deleted, duplicated and spliced ranges, truncation, and the format's own
/// tokens. Deterministic for a given <see cref="Random"/>.
/// </summary>
internal static class Mutator
{
    /// <summary>Longest input made: parsers see messages and files of any length, but the checks need many inputs a second.</summary>
    public const int MaxLength = 64 * 1024;

    private static readonly byte[] BoundaryBytes = [0, 1, 0x7f, 0x80, 0xfe, 0xff, (byte)'\n', (byte)'"', (byte)'{', (byte)'}', (byte)' '];

    private static readonly long[] BoundaryIntegers =
    [
        0, 1, -1, 2, 4, 5, 31, 32, 127, 128, 255, 256, 1023, 1024, 4096, 32767, 32768, 65535, 65536, 0x7fffff,
        16 * 1024 * 1024, 64 * 1024 * 1024, (64 * 1024 * 1024) + 1, int.MaxValue, int.MinValue, int.MaxValue - 4, uint.MaxValue, long.MaxValue, long.MinValue,
    ];

    /// <summary>An input: a corpus member under one to six mutations, or (rarely) random bytes.</summary>
    public static byte[] Next(Random random, IReadOnlyList<byte[]> corpus, IReadOnlyList<byte[]> tokens)
    {
        if (corpus.Count == 0 || random.Next(64) == 0)
        {
            var noise = new byte[random.Next(0, 256)];
            random.NextBytes(noise);
            return noise;
        }

        var data = new List<byte>(corpus[random.Next(corpus.Count)]);
        var rounds = 1 + random.Next(random.Next(2) == 0 ? 2 : 6);
        for (var i = 0; i < rounds; i++)
        {
            Mutate(random, data, corpus, tokens);
        }

        if (data.Count > MaxLength)
        {
            data.RemoveRange(MaxLength, data.Count - MaxLength);
        }

        return [.. data];
    }

    private static void Mutate(Random random, List<byte> data, IReadOnlyList<byte[]> corpus, IReadOnlyList<byte[]> tokens)
    {
        var at = data.Count == 0 ? 0 : random.Next(data.Count);
        switch (random.Next(12))
        {
            case 0 when data.Count > 0:
                data[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[at] = (byte)random.Next(256);
                break;
            case 2 when data.Count > 0:
                data[at] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                break;
            case 3 or 4:
                OverwriteInteger(random, data, at);
                break;
            case 5:
                var insert = new byte[1 + random.Next(random.Next(2) == 0 ? 4 : 64)];
                random.NextBytes(insert);
                data.InsertRange(at, insert);
                break;
            case 6 when data.Count > 0:
                data.RemoveRange(at, Math.Min(data.Count - at, 1 + random.Next(random.Next(2) == 0 ? 4 : 64)));
                break;
            case 7 when data.Count > 0:
                var length = Math.Min(data.Count - at, 1 + random.Next(64));
                data.InsertRange(random.Next(data.Count + 1), data.GetRange(at, length));
                break;
            case 8 when data.Count > 0:
                data.RemoveRange(at, data.Count - at);
                break;
            case 9 when corpus.Count > 0:
                var other = corpus[random.Next(corpus.Count)];
                var from = other.Length == 0 ? 0 : random.Next(other.Length);
                data.InsertRange(at, other.AsSpan(from, Math.Min(other.Length - from, 1 + random.Next(128))).ToArray());
                break;
            case 10 or 11 when tokens.Count > 0:
                var token = tokens[random.Next(tokens.Count)];
                if (random.Next(2) == 0 && data.Count > 0)
                {
                    data.RemoveRange(at, Math.Min(data.Count - at, token.Length));
                }

                data.InsertRange(Math.Min(at, data.Count), token);
                break;
            default:
                data.Add((byte)random.Next(256));
                break;
        }
    }

    /// <summary>A boundary value (or one near the data's length) written over 1, 2, 4 or 8 bytes, either byte order, or as a 7-bit encoded integer.</summary>
    private static void OverwriteInteger(Random random, List<byte> data, int at)
    {
        var value = random.Next(4) == 0 ? data.Count - at + random.Next(-8, 9) : BoundaryIntegers[random.Next(BoundaryIntegers.Length)];
        Span<byte> bytes = stackalloc byte[10];
        int width;
        switch (random.Next(5))
        {
            case 0:
                width = 1;
                bytes[0] = (byte)value;
                break;
            case 1:
                width = 2;
                BinaryPrimitives.WriteInt16LittleEndian(bytes, (short)value);
                break;
            case 2:
                width = 4;
                if (random.Next(4) == 0)
                {
                    BinaryPrimitives.WriteInt32BigEndian(bytes, (int)value);
                }
                else
                {
                    BinaryPrimitives.WriteInt32LittleEndian(bytes, (int)value);
                }

                break;
            case 3:
                width = 8;
                BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
                break;
            default:
                width = 0;
                for (var v = (ulong)(uint)value; ; v >>= 7)
                {
                    if (v < 0x80)
                    {
                        bytes[width++] = (byte)v;
                        break;
                    }

                    bytes[width++] = (byte)(v | 0x80);
                }

                break;
        }

        for (var i = 0; i < width; i++)
        {
            if (at + i < data.Count)
            {
                data[at + i] = bytes[i];
            }
            else
            {
                data.Add(bytes[i]);
            }
        }
    }
}

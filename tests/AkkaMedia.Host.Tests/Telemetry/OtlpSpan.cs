namespace AkkaMedia.Host.Tests.Telemetry;

/// <summary>
/// One span of an OTLP <c>ExportTraceServiceRequest</c> body, read with a minimal protobuf walker (only the fields the
/// specs look at): ids as lowercase hex, empty when absent.
/// </summary>
internal sealed record OtlpSpan(string ServiceName, string TraceId, string SpanId, string ParentSpanId, string Name)
{
    /// <summary>Every span of <paramref name="body"/>, with the <c>service.name</c> of its resource.</summary>
    public static IReadOnlyList<OtlpSpan> Parse(byte[] body)
    {
        var spans = new List<OtlpSpan>();
        foreach (var resourceSpans in Fields(body).Where(f => f.Number == 1))
        {
            var service = string.Empty;
            foreach (var field in Fields(resourceSpans.Bytes))
            {
                if (field.Number == 1)
                {
                    foreach (var attribute in Fields(field.Bytes).Where(a => a.Number == 1))
                    {
                        var parts = Fields(attribute.Bytes).ToList();
                        if (Text(parts, 1) == "service.name")
                        {
                            service = Text(Fields(parts.First(p => p.Number == 2).Bytes).ToList(), 1);
                        }
                    }
                }
                else if (field.Number == 2)
                {
                    foreach (var span in Fields(field.Bytes).Where(s => s.Number == 2))
                    {
                        var parts = Fields(span.Bytes).ToList();
                        spans.Add(new OtlpSpan(service, Hex(parts, 1), Hex(parts, 2), Hex(parts, 4), Text(parts, 5)));
                    }
                }
            }
        }

        return spans;
    }

    private static string Hex(List<(int Number, byte[] Bytes)> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number).Bytes is { } bytes ? Convert.ToHexStringLower(bytes) : string.Empty;

    private static string Text(List<(int Number, byte[] Bytes)> fields, int number) =>
        fields.FirstOrDefault(f => f.Number == number).Bytes is { } bytes ? System.Text.Encoding.UTF8.GetString(bytes) : string.Empty;

    /// <summary>The length-delimited fields of a message; other wire types are skipped.</summary>
    private static IEnumerable<(int Number, byte[] Bytes)> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = Varint(message, ref position);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    Varint(message, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var length = (int)Varint(message, ref position);
                    yield return (number, message[position..(position + length)]);
                    position += length;
                    break;
                default:
                    throw new FormatException($"Unexpected protobuf wire type {key & 7} at byte {position}.");
            }
        }
    }

    private static ulong Varint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}

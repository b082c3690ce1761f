using System.Text;
using System.Text.Json.Nodes;
using AkkaMedia.Host.Admin;
using AkkaMedia.Host.Edge;
using AkkaMedia.Host.Edge.Codecs;
using AkkaMedia.Host.Edge.Twilio;
using AkkaMedia.Host.Pipelines;

namespace AkkaMedia.Fuzz.Targets;

/// <summary>The host's parsers of outside bytes: the admin request line, the edge's <c>/media</c> and Twilio messages, pipeline files.</summary>
internal static class HostTargets
{
    /// <summary>
    /// The admin server's request reader (<see cref="AdminServer.ReadRequestAsync"/>) over the input as the
    /// connection's bytes, then the split the server applies. It documents no exception: any input is a line or none.
    /// </summary>
    public static FuzzTarget Admin() => new(
        "admin",
        [.. new[] { "\tsessions\tlist\n", "secret\tnode\tstatus\r\n", "tok\tlog\ttail\t--level\twarning\n", "\n", "no newline" }.Select(Encoding.UTF8.GetBytes)],
        input =>
        {
            using var stream = new MemoryStream(input, writable: false);
            var line = AdminServer.ReadRequestAsync(stream, CancellationToken.None).GetAwaiter().GetResult();
            if (line is not null)
            {
                var parts = line.Split('\t');
                _ = AdminProtocol.Encoding.GetBytes(parts[0]);
            }
        },
        [],
        FuzzTargets.Words("\t", "\n", "\r", "\u00e9", "\ud83d\ude00"));

    /// <summary>
    /// The <c>/media</c> endpoint's messages: selector 0 is a text message (parsed as a first message — JSON object,
    /// type, <c>start</c> with its format and encoding — and as a later one, <c>ping</c> echoing its id); 1 to 4 a binary
    /// audio message for PCM16 mono, PCM16 stereo, Opus 48 kHz mono and Opus 16 kHz stereo. Codecs are reused across
    /// inputs, as a session reuses its own.
    /// </summary>
    public static FuzzTarget EdgeMedia()
    {
        var codecs = new[]
        {
            MediaEncodings.Create("pcm16", new ClientAudioFormat(16000, 1)),
            MediaEncodings.Create("pcm16", new ClientAudioFormat(48000, 2)),
            MediaEncodings.Create("opus", new ClientAudioFormat(48000, 1)),
            MediaEncodings.Create("opus", new ClientAudioFormat(16000, 2)),
        };
        string[] texts =
        [
            """{"type":"start","sampleRate":16000,"channels":1,"encoding":"pcm16"}""",
            """{"type":"start","sampleRate":48000,"channels":2,"encoding":"opus"}""",
            """{"type":"start","sampleRate":8000}""",
            """{"type":"ping","id":{"n":[1,2.5e3,"x",null,true]}}""",
            """{"type":"stop"}""",
        ];
        var seeds = texts.Select(t => (byte[])[0, .. Encoding.UTF8.GetBytes(t)]).ToList();
        seeds.Add([1, .. new byte[640]]);
        seeds.Add([2, .. new byte[64]]);
        seeds.Add([3, 0xf8, 0xff, 0xfe]);
        seeds.Add([4, 0xfc, 0x01, 0x02, 0x03, 0x04]);
        return new FuzzTarget(
            "edge",
            seeds,
            input =>
            {
                if (input.Length == 0)
                {
                    return;
                }

                if (input[0] % 5 == 0)
                {
                    ParseText(input.AsSpan(1));
                }
                else
                {
                    _ = codecs[(input[0] % 5) - 1].Decode(input.AsSpan(1));
                }
            },
            [typeof(EdgeProtocolException)],
            FuzzTargets.Words("\"type\"", "\"start\"", "\"ping\"", "\"stop\"", "\"sampleRate\"", "\"channels\"", "\"encoding\"", "\"opus\"", "\"pcm16\"", "\"id\"", ":", ",", "{", "}", "[", "]", "1e309", "-0", "2147483648", "\"\\ud800\""));
    }

    private static void ParseText(ReadOnlySpan<byte> utf8)
    {
        using var json = MediaEndpoint.ParseObject(utf8);
        var message = json.RootElement;
        switch (MediaEndpoint.TypeOf(message))
        {
            case "start":
                var start = MediaStart.Parse(message);
                using (MediaEncodings.Create(start.Encoding, start.Format))
                {
                }

                break;
            case "ping" when message.TryGetProperty("id", out var id):
                _ = new JsonObject { ["type"] = "pong", ["id"] = JsonNode.Parse(id.GetRawText()) }.ToJsonString(EdgeJson.Options);
                break;
        }
    }

    /// <summary>Twilio Media Streams messages through one parser, reused across inputs as a connection reuses its own.</summary>
    public static FuzzTarget Twilio()
    {
        var parser = new TwilioMessageParser();
        string[] texts =
        [
            """{"event":"connected","protocol":"Call","version":"1.0.0"}""",
            """{"event":"start","sequenceNumber":"1","start":{"accountSid":"AC1","streamSid":"MZ1","callSid":"CA1","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000,"channels":1},"customParameters":{"a":"b"}},"streamSid":"MZ1"}""",
            """{"event":"media","sequenceNumber":"3","media":{"track":"inbound","chunk":"1","timestamp":"5","payload":"/////w=="},"streamSid":"MZ1"}""",
            """{"event":"mark","sequenceNumber":"4","streamSid":"MZ1","mark":{"name":"reply-1"}}""",
            """{"event":"stop","sequenceNumber":"5","streamSid":"MZ1","stop":{"accountSid":"AC1","callSid":"CA1"}}""",
            """{"event":"dtmf","dtmf":{"digit":"1"}}""",
        ];
        return new FuzzTarget(
            "twilio",
            [.. texts.Select(Encoding.UTF8.GetBytes)],
            input => _ = parser.Parse(input),
            [typeof(TwilioProtocolException)],
            FuzzTargets.Words("\"event\"", "\"start\"", "\"media\"", "\"payload\"", "\"mediaFormat\"", "\"tracks\"", "\"customParameters\"", "\"mark\"", "\"name\"", "\"audio/x-alaw\"", "\\u0041", "====", "\"", ":", ",", "{", "}", "[", "]", "null"));
    }

    /// <summary>A pipeline file's text (<see cref="PipelineDefinition.Parse"/>), seeded with the repository's pipeline files.</summary>
    public static FuzzTarget Pipeline(FuzzEnvironment environment)
    {
        var seeds = PipelineSeeds().ToList();
        return new FuzzTarget(
            "pipeline",
            seeds,
            input => _ = PipelineDefinition.Parse(Encoding.UTF8.GetString(input), "fuzz.conf", environment.Registry),
            [typeof(PipelineFileException)],
            FuzzTargets.Words("pipeline", "source", "sink", "stages", "type", "remote = true", "failover = true", "wav-file", "y4m-file", "Gain", "Echo", "{", "}", "[", "]", "=", ":", "\"", "${pipeline.source}", "include \"x\"", "\n", "#", "//", "1.5", "250ms", "\"\"\"", "?", "+="));
    }

    private static IEnumerable<byte[]> PipelineSeeds()
    {
        var directory = AppContext.BaseDirectory;
        while (directory is not null && !Directory.Exists(Path.Combine(directory, "hocon", "pipelines")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        if (directory is not null)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(directory, "hocon", "pipelines"), "*.conf").Order(StringComparer.Ordinal))
            {
                yield return File.ReadAllBytes(file);
            }
        }

        yield return "pipeline {\n source { type = wav-file, path = a.wav }\n stages = [{ type = Gain, gain = 0.5 }]\n sink { type = wav-file, path = b.wav }\n}\n"u8.ToArray();
    }
}

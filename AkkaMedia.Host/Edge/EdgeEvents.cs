using System.Text.Json;
using System.Text.Json.Nodes;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Audio;

namespace AkkaMedia.Host.Edge;

/// <summary>
/// Turns what a pipeline emits besides audio into the text events of docs/edge-protocol.md: a VAD decision only when it
/// changes (<c>vad</c>), an <see cref="IMediaEvent"/> as it renders itself (speech, transcripts, replies), text (<c>text</c>), anything else as its public properties in camel case with
/// <c>type</c> = its type name in camel case. One instance per session (it remembers the last VAD decision).
/// </summary>
internal sealed class EdgeEvents
{
    private static readonly JsonSerializerOptions Options = EdgeJson.Options;
    private bool? _speech;

    /// <summary>The event for <paramref name="element"/>, or null when it says nothing new (a VAD decision that did not change).</summary>
    public string? ToJson(object element)
    {
        switch (element)
        {
            case VadDecision vad:
                if (_speech == vad.IsSpeech)
                {
                    return null;
                }

                _speech = vad.IsSpeech;
                return new JsonObject
                {
                    ["type"] = "vad",
                    ["speech"] = vad.IsSpeech,
                    ["energyDb"] = Math.Round(vad.EnergyDb, 1),
                    ["timestampMs"] = (long)vad.Timestamp.TotalMilliseconds,
                }.ToJsonString(EdgeJson.Options);
            case IMediaEvent mediaEvent:
                return MediaEvents.ToJson(mediaEvent);
            case TextFrame text:
                return new JsonObject { ["type"] = "text", ["text"] = text.Text }.ToJsonString(EdgeJson.Options);
            case string text:
                return new JsonObject { ["type"] = "text", ["text"] = text }.ToJsonString(EdgeJson.Options);
            case IMediaFrame frame:
                // Video and bytes frames are media, not events: say what passed without sending the payload as JSON.
                return new JsonObject { ["type"] = TypeName(element), ["sequence"] = frame.Sequence, ["timestampMs"] = (long)frame.Timestamp.TotalMilliseconds }.ToJsonString(EdgeJson.Options);
            default:
                return Describe(element);
        }
    }

    private static string Describe(object element)
    {
        var type = TypeName(element);
        JsonNode? node;
        try
        {
            node = JsonSerializer.SerializeToNode(element, element.GetType(), Options);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new JsonObject { ["type"] = type }.ToJsonString(EdgeJson.Options);
        }

        if (node is JsonObject obj)
        {
            obj.Remove("type");
            var result = new JsonObject { ["type"] = type };
            foreach (var (key, value) in obj.ToList())
            {
                obj.Remove(key);
                result[key] = value;
            }

            return result.ToJsonString(EdgeJson.Options);
        }

        return new JsonObject { ["type"] = type, ["value"] = node }.ToJsonString(EdgeJson.Options);
    }

    private static string TypeName(object element)
    {
        var name = element.GetType().Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick > 0)
        {
            name = name[..tick];
        }

        return JsonNamingPolicy.CamelCase.ConvertName(name);
    }
}

using System.Text.Encodings.Web;
using System.Text.Json;

namespace AkkaMedia.Host.Edge;

/// <summary>How the edge writes JSON: camel case, and no needless escaping of quotes and non-ASCII text in messages people read.</summary>
internal static class EdgeJson
{
    /// <summary>The options for every message the edge writes.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}

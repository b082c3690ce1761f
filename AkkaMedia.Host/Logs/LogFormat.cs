namespace AkkaMedia.Host.Logs;

/// <summary>How a host process writes its log events (<c>--log-format</c>, <c>akka-media.log.format</c>).</summary>
internal enum LogFormat
{
    /// <summary>One readable line per event: UTC time, level, session when there is one, source, message.</summary>
    Text,

    /// <summary>
    /// One JSON object per line in the compact log event format (CLEF): <c>@t</c> time, <c>@m</c> rendered message,
    /// <c>@i</c> template id, <c>@l</c> level (absent for Information), <c>@x</c> exception, then the properties.
    /// </summary>
    Json,
}

using System.Diagnostics;
using AkkaMedia.Diagnostics;
using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Loading;

/// <summary>The <c>akkamedia.code.load</c> span of a session that loads shipped code, as both such sessions use it.</summary>
internal static class CodeLoadSpan
{
    /// <summary>Starts loading's span under <paramref name="session"/>'s; null when the session is not traced.</summary>
    public static Activity? Start(Activity? session, string entryAssembly, int entries)
    {
        if (session is null)
        {
            return null;
        }

        var load = MediaTracing.Start(MediaTracing.CodeLoad, ActivityKind.Internal, session.Context);
        load?.SetTag(MediaTracing.EntryAssemblyTag, entryAssembly);
        load?.SetTag(MediaTracing.PackageEntriesTag, entries);
        return load;
    }

    /// <summary>The code was refused: both spans end failed, with <paramref name="cause"/> when there is one, else <paramref name="message"/>.</summary>
    public static void Refused(ref Activity? load, ref Activity? session, string message, Exception? cause)
    {
        foreach (var span in new[] { load, session })
        {
            if (span is null)
            {
                continue;
            }

            if (cause is not null)
            {
                span.Fail(cause);
            }
            else
            {
                span.Fail(nameof(TimeoutException), message);
            }

            span.SetTag(MediaTracing.RefusalTag, nameof(RefusalReason.CodeRejected));
            span.Stop();
        }

        load = null;
        session = null;
    }
}

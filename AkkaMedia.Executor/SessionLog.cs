using Akka.Actor;
using Akka.Event;

namespace AkkaMedia.Executor;

/// <summary>
/// Loggers for what concerns one session: every event they write carries the session's id as the structured
/// property <see cref="PropertyName"/> (Akka's <c>WithContext</c>), whatever the logging backend, so that a
/// session's lines can be found by that property instead of by parsing messages.
/// </summary>
internal static class SessionLog
{
    /// <summary>The name of the property that carries the session id.</summary>
    public const string PropertyName = "SessionId";

    /// <summary>The logger of a session actor.</summary>
    public static ILoggingAdapter For(IActorContext context, string sessionId) => context.GetLogger().ForSession(sessionId);

    /// <summary><paramref name="log"/>, with every event it writes about <paramref name="sessionId"/>.</summary>
    public static ILoggingAdapter ForSession(this ILoggingAdapter log, string sessionId) => log.WithContext(PropertyName, sessionId);
}

using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Remote;

namespace AkkaMedia.Executor.Sessions.Transports;

/// <summary>
/// How the elements of one session travel between its client and its node on this executor: the one place where the
/// transports differ. A <see cref="SessionActor"/> hands its node (counted, behind the session's kill switch) to
/// <see cref="Start"/> and otherwise does not know which transport it runs on.
/// </summary>
internal interface ISessionTransport
{
    /// <summary>The transport, as named in the session request.</summary>
    RemoteTransport Kind { get; }

    /// <summary>The transport's name in logs, metrics and admin listings (<c>link</c>, <c>streamrefs</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Materializes the session's stream: the client's elements through <paramref name="node"/> and back. Tells
    /// <see cref="SessionStreamContext.Session"/> a <see cref="SessionTransportReady"/> once the client may connect, and a
    /// <see cref="SessionTransportFailed"/> when the transport gives up on its client (it stays silent, it never connects).
    /// Returns the stream's completion: faulted with the stream's failure, or completed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The request's input does not fit this transport.</exception>
    Task Start(SessionStreamContext context, Flow<object, object, NotUsed> node);

    /// <summary>The session <paramref name="sessionId"/> has stopped: release what <see cref="Start"/> registered for it.</summary>
    void Stopped(string sessionId);
}

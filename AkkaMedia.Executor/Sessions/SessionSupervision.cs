using Akka.Actor;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// How the executor supervises session actors: one that throws is stopped, never restarted. A restart would run its
/// start again: subscribe a SourceRef that can be subscribed once, load shipped code a second time, register with the
/// link server twice. Stopping ends the session as any other failure does: its stream is aborted (the client's stage
/// fails naming the executor), its code unloaded, its slot freed. Akka logs the exception with the actor's path, whose
/// last element is the session's id.
/// </summary>
internal static class SessionSupervision
{
    /// <summary>Stops the failed child only, and logs why.</summary>
    public static SupervisorStrategy Strategy { get; } = new OneForOneStrategy(Decider.From(Directive.Stop));
}

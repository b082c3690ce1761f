using Akka.Actor;
using Akka.Streams;

namespace AkkaMedia.Executor.Sessions;

/// <summary>
/// The one materializer that runs the session streams of an actor system (an Akka extension). Each
/// <c>ActorSystem.Materializer()</c> call makes a new materializer with a supervisor actor of its own that nothing
/// stops, so a materializer per session cost an actor creation on every open and left one actor behind per session
/// ever run. Sessions' streams stop on their own (kill switch, completion); the materializer lives until the actor
/// system terminates.
/// </summary>
internal sealed class SessionMaterializer : IExtension
{
    private SessionMaterializer(ExtendedActorSystem system) =>
        Materializer = ActorMaterializer.Create(system, namePrefix: "akka-media-session");

    /// <summary>Runs the session streams of the system.</summary>
    public IMaterializer Materializer { get; }

    /// <summary>The session materializer of <paramref name="system"/>, made on first use.</summary>
    public static IMaterializer Get(ActorSystem system) => system.WithExtension<SessionMaterializer, Provider>().Materializer;

    private sealed class Provider : ExtensionIdProvider<SessionMaterializer>
    {
        public override SessionMaterializer CreateExtension(ExtendedActorSystem system) => new(system);
    }
}

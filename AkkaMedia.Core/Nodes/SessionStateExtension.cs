using Akka.Actor;

namespace AkkaMedia.Nodes;

/// <summary>The <see cref="SessionStateStore"/> of an actor system, read from <c>akka-media.session-state</c>.</summary>
internal sealed class SessionStateExtension : IExtension
{
    private const string Path = "akka-media.session-state";

    private SessionStateExtension(ActorSystem system)
    {
        var section = new SettingsSection(system.Settings.Config, Path);
        var timeToLive = section.GetTimeSpan("time-to-live");
        var maxSessions = section.GetInt("max-sessions");
        if (timeToLive <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(section.Key("time-to-live"), timeToLive, "time-to-live must be positive.");
        }

        if (maxSessions < 1)
        {
            throw new ArgumentOutOfRangeException(section.Key("max-sessions"), maxSessions, "max-sessions must be at least 1.");
        }

        Store = new SessionStateStore(timeToLive, maxSessions);
    }

    public SessionStateStore Store { get; }

    internal sealed class Provider : ExtensionIdProvider<SessionStateExtension>
    {
        public override SessionStateExtension CreateExtension(ExtendedActorSystem system) => new(system);
    }
}

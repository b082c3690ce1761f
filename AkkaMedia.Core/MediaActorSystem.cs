using Akka.Actor;
using Akka.Configuration;

namespace AkkaMedia;

/// <summary>Creates actor systems that carry AkkaMedia's configuration defaults.</summary>
public static class MediaActorSystem
{
    /// <summary>
    /// Creates an <see cref="ActorSystem"/> named <paramref name="name"/> whose configuration is
    /// <paramref name="config"/> (may be null) with AkkaMedia.Core's defaults as fallback.
    /// The caller owns the system and terminates it.
    /// </summary>
    public static ActorSystem Create(string name = "media", Config? config = null) =>
        ActorSystem.Create(name, AkkaMediaConfig.WithDefaults(config));
}

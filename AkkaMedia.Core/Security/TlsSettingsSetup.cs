using Akka.Actor.Setup;

namespace AkkaMedia.Security;

/// <summary>
/// The <see cref="TlsSettings"/> an actor system was started with (<see cref="MediaActorSystem.CreateSetup"/>), so that
/// <see cref="TlsSettings.For"/> hands out the certificates already loaded instead of reading the files again.
/// </summary>
internal sealed class TlsSettingsSetup(TlsSettings settings) : Setup
{
    public TlsSettings Settings { get; } = settings;
}

using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using AkkaMedia.Security;

namespace AkkaMedia;

/// <summary>Creates actor systems that carry AkkaMedia's configuration defaults and its TLS.</summary>
public static class MediaActorSystem
{
    /// <summary>
    /// Creates an <see cref="ActorSystem"/> named <paramref name="name"/> whose configuration is
    /// <paramref name="config"/> (may be null) with AkkaMedia.Core's defaults as fallback, speaking mutual TLS on its
    /// remoting port when <c>akka-media.tls</c> names a certificate (see <see cref="CreateSetup"/>).
    /// The caller owns the system and terminates it.
    /// </summary>
    /// <exception cref="ArgumentException"><c>akka-media.tls</c> is invalid; the message says what to fix.</exception>
    public static ActorSystem Create(string name = "media", Config? config = null) =>
        ActorSystem.Create(name, CreateSetup(config));

    /// <summary>
    /// The setup <see cref="Create"/> starts a system with: <paramref name="config"/> over AkkaMedia.Core's defaults and,
    /// when <c>akka-media.tls</c> names a certificate, Akka.Remote over TLS (addresses become <c>akka.ssl.tcp://</c>)
    /// presenting that certificate and accepting only peers whose certificate the configured CA signed, in both
    /// directions. For hosts that add setups of their own (<see cref="ActorSystemSetup.And{T}(T)"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><c>akka-media.tls</c> is invalid; the message says what to fix.</exception>
    public static ActorSystemSetup CreateSetup(Config? config)
    {
        var full = AkkaMediaConfig.WithDefaults(config);
        var tls = TlsSettings.Create(full);
        if (!tls.IsEnabled)
        {
            return ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(full));
        }

        return ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(TlsSettings.RemotingConfig.WithFallback(full)), tls.RemotingSetup());
    }
}

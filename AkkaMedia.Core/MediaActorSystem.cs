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
            return ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(full), new TlsSettingsSetup(tls));
        }

        return ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig(TlsSettings.RemotingConfig.WithFallback(full)), tls.RemotingSetup(), new TlsSettingsSetup(tls));
    }

    /// <summary>
    /// Why <paramref name="system"/> stopped (or is stopping), in words for a message: its coordinated shutdown's reason.
    /// A failed TLS handshake (Akka.Remote stops a node whose certificate a peer refused, or that refused a peer's) says
    /// which settings to check. "its actor system was stopped" when no reason was given.
    /// </summary>
    public static string DescribeStop(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        return reason switch
        {
            null => "its actor system was stopped",
            CoordinatedShutdown.ClusterLeavingReason => "it was asked to leave the cluster",
            CoordinatedShutdown.ClusterDowningReason => "the cluster downed it (removed it as unreachable)",
            _ when reason.GetType().Name == "TlsHandshakeFailureReason" =>
                "a TLS handshake with another member failed, so it stopped: the cluster does not trust this node's certificate " +
                "(--tls, akka-media.tls.certificate), or this node does not trust the cluster's (--tls-ca, akka-media.tls.ca); every " +
                "member's certificate must be signed by the cluster's one CA",
            _ => $"its actor system stopped ({reason})",
        };
    }
}

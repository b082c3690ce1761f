using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Sessions.Transports;

/// <summary>A transport is ready for the client: the session actor answers it <paramref name="Opened"/>.</summary>
internal sealed record SessionTransportReady(SessionOpened Opened);

using Akka.Actor.Setup;
using Serilog;

namespace AkkaMedia.Host.Logs;

/// <summary>
/// Hands an actor system the Serilog logger its <see cref="SerilogLoggerActor"/> writes to. Carried in the system's
/// setup (not in a process-wide static) so that several nodes in one process each log where they were told.
/// </summary>
internal sealed class HostLogSetup(ILogger logger) : Setup
{
    public ILogger Logger { get; } = logger;
}

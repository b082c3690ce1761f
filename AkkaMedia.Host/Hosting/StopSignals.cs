using System.Runtime.InteropServices;

namespace AkkaMedia.Host.Hosting;

/// <summary>
/// Turns Ctrl-C, SIGINT and SIGTERM into a cancellation the node answers with a graceful stop (drain, leave, exit 0),
/// however long that takes. Further signals change nothing (tools such as <c>timeout</c> signal both the process and
/// its group, so a repeat is no sign of impatience); SIGKILL ends the process at once. Disposing restores the default
/// handling.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration[] _registrations;

    private StopSignals(CancellationTokenSource stop)
    {
        _stop = stop;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancels <paramref name="stop"/> on the first stop signal.</summary>
    public static StopSignals Register(CancellationTokenSource stop) => new(stop);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The node has already stopped.
        }
    }
}

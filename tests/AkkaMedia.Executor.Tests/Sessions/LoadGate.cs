namespace AkkaMedia.Executor.Tests.Sessions;

/// <summary>
/// Holds shipped user code that calls <see cref="Wait"/> (from its static constructor, say) until a spec opens the
/// gate, so that the spec, not the clock, decides how long the code takes to load. Open unless a spec closed it; a
/// held thread gives up after 30 s, so a spec that fails leaves no thread held for long.
/// </summary>
public static class LoadGate
{
    private static readonly ManualResetEventSlim Gate = new(initialState: true);

    /// <summary>From now on <see cref="Wait"/> holds its caller.</summary>
    public static void Close() => Gate.Reset();

    /// <summary>Lets every held caller go on, and later ones pass.</summary>
    public static void Open() => Gate.Set();

    /// <summary>Returns once the gate is open, or after 30 s.</summary>
    public static void Wait() => Gate.Wait(TimeSpan.FromSeconds(30));
}

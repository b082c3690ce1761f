namespace AkkaMedia.Remote.Placement;

/// <summary>
/// What the actor that places a session does after <see cref="ExecutorPlacement"/> took in a message: open the
/// session on <see cref="Executor"/>, give up with <see cref="Error"/>, or nothing (<see cref="None"/>: the message
/// was about an attempt already given up).
/// </summary>
internal readonly record struct PlacementStep
{
    /// <summary>Nothing to do.</summary>
    public static PlacementStep None => default;

    /// <summary>Non-null: prepare and send the request that opens the session to this executor now.</summary>
    public string? Executor { get; private init; }

    /// <summary>Non-null: the placement failed; fail with this error (the placement's own errors are already the caller's exception type).</summary>
    public Exception? Error { get; private init; }

    /// <summary>Try <paramref name="executor"/>.</summary>
    public static PlacementStep Attempt(string executor) => new() { Executor = executor };

    /// <summary>Stop placing, failed by <paramref name="error"/>.</summary>
    public static PlacementStep GiveUp(Exception error) => new() { Error = error };

    /// <summary>Calls <paramref name="attempt"/> or <paramref name="giveUp"/> as the step says; neither for <see cref="None"/>.</summary>
    public void Apply(Action<string> attempt, Action<Exception> giveUp)
    {
        if (Executor is not null)
        {
            attempt(Executor);
        }
        else if (Error is not null)
        {
            giveUp(Error);
        }
    }
}

namespace AkkaMedia.Executor.Loading;

/// <summary>
/// The only path from executor code to a session's user object. Closures and cached stage actors may
/// outlive the session (Akka keeps stopped stream-ref actors with their closures in a per-thread cache);
/// they capture the holder, which is emptied when the session ends, so they never pin its load context.
/// </summary>
internal sealed class ObjectHolder(object value)
{
    private object? _value = value;

    /// <summary>The object, or null once the session has ended.</summary>
    public object? Value => Volatile.Read(ref _value);

    /// <summary>Returns the object and empties the holder (the caller owns it from now on).</summary>
    /// <exception cref="InvalidOperationException">It was already taken or cleared.</exception>
    public object Take() => Interlocked.Exchange(ref _value, null) ?? throw new InvalidOperationException("The session's object was already taken or the session has ended.");

    /// <summary>Forgets the object.</summary>
    public void Clear() => Volatile.Write(ref _value, null);
}

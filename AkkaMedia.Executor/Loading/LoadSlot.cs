namespace AkkaMedia.Executor.Loading;

/// <summary>
/// Hands a session's loaded code from the loading thread to its actor, or back to disposal when the
/// actor gave up waiting (timeout, client gone): loaded code is never left behind.
/// </summary>
internal sealed class LoadSlot<T>
    where T : class, IDisposable
{
    private readonly Lock _gate = new();
    private T? _value;
    private bool _abandoned;

    /// <summary>Called by the loader: keeps <paramref name="value"/> for the actor, or disposes it if the actor has given up.</summary>
    public void Deliver(T value)
    {
        lock (_gate)
        {
            if (!_abandoned)
            {
                _value = value;
                return;
            }
        }

        value.Dispose();
    }

    /// <summary>Called by the actor: takes the loaded value, or null when it was not delivered.</summary>
    public T? Take()
    {
        lock (_gate)
        {
            var value = _value;
            _value = null;
            return value;
        }
    }

    /// <summary>Called when the actor stops: later deliveries are disposed; a value delivered but not taken is disposed now.</summary>
    public void Abandon()
    {
        T? orphan;
        lock (_gate)
        {
            _abandoned = true;
            orphan = _value;
            _value = null;
        }

        orphan?.Dispose();
    }
}

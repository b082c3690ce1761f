namespace AkkaMedia.LoadTest.Calls;

/// <summary>
/// The <see cref="ICallTarget"/> shipped to the executor. Its fields are plain numbers: the remote object
/// runs one call at a time, so they need no synchronization there.
/// </summary>
public sealed class CallTarget : ICallTarget
{
    private long _calls;
    private long _descents;
    private int _last = int.MinValue;

    /// <inheritdoc />
    public int Add(int x) => Count(x);

    /// <inheritdoc />
    public Task<int> AddAsync(int x) => Task.FromResult(Count(x));

    /// <inheritdoc />
    public CallTally Reset()
    {
        var tally = new CallTally(_calls, _descents);
        _calls = 0;
        _descents = 0;
        _last = int.MinValue;
        return tally;
    }

    private int Count(int x)
    {
        _calls++;
        if (x < _last)
        {
            _descents++;
        }

        _last = x;
        return unchecked(x + 1);
    }
}

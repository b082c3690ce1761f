namespace AkkaMedia.LoadTest.Calls;

/// <summary>
/// The remote object of the load test's <c>calls</c> scenario: trivial methods, so that what is measured
/// is the cost of a call, not of its work. Every answer can be predicted by the caller.
/// </summary>
public interface ICallTarget
{
    /// <summary>Returns <paramref name="x"/> + 1 and counts the call.</summary>
    int Add(int x);

    /// <summary>Returns <paramref name="x"/> + 1, already completed, and counts the call.</summary>
    Task<int> AddAsync(int x);

    /// <summary>
    /// The calls counted since the previous reset (or since the object was created), then starts counting
    /// again from zero.
    /// </summary>
    CallTally Reset();
}

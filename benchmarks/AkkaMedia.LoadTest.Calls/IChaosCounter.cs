namespace AkkaMedia.LoadTest.Calls;

/// <summary>
/// The durable object of the load test's <c>chaos</c> scenario: a counter whose every answer the caller can
/// predict, so that a call lost (acknowledged, then forgotten) or applied twice shows as a gap or a repeat.
/// </summary>
public interface IChaosCounter
{
    /// <summary>Adds one and returns the new count.</summary>
    Task<long> IncrementAsync();

    /// <summary>The count, without changing it.</summary>
    Task<long> CountAsync();
}

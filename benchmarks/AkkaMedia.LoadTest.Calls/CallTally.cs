namespace AkkaMedia.LoadTest.Calls;

/// <summary>What a <see cref="ICallTarget"/> saw between two resets.</summary>
/// <param name="Calls">Calls of <see cref="ICallTarget.Add"/> and <see cref="ICallTarget.AddAsync"/>.</param>
/// <param name="Descents">
/// Calls whose argument was smaller than the previous call's. A caller that passes increasing arguments
/// from one flow (one thread, or calls started one after the other) expects 0: the remote object runs its
/// calls one at a time in the order they were made.
/// </param>
public sealed record CallTally(long Calls, long Descents);

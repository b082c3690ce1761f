using System.Diagnostics;

namespace AkkaMedia.Fuzz;

/// <summary>
/// Runs one input through one target and judges the outcome: a documented rejection or a result is fine; an
/// undocumented exception, an allocation far beyond the input's size, or a parse slower than the limit is a finding.
/// </summary>
internal static class FuzzCheck
{
    /// <summary>Bytes any parse may allocate whatever its input (buffers, a decoder's state, a HOCON tree).</summary>
    public const long AllocationAllowance = 2 * 1024 * 1024;

    /// <summary>Bytes allocated per input byte beyond <see cref="AllocationAllowance"/> before an input is flagged.</summary>
    public const long AllocationPerInputByte = 64;

    /// <summary>The outcome of one input.</summary>
    /// <param name="Problem">Null when the parser kept its contract.</param>
    /// <param name="Signature">The outcome's kind (result, or exception type and message shape), for corpus feedback.</param>
    /// <param name="Exception">What escaped, if anything.</param>
    /// <param name="Allocated">Bytes allocated on this thread during the parse.</param>
    /// <param name="Elapsed">Time of the parse.</param>
    public readonly record struct Outcome(string? Problem, string Signature, Exception? Exception, long Allocated, TimeSpan Elapsed);

    /// <summary>Parses <paramref name="input"/> with <paramref name="target"/>; <paramref name="slow"/> is the per-input time limit.</summary>
    public static Outcome Run(FuzzTarget target, byte[] input, TimeSpan slow)
    {
        Exception? escaped = null;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        try
        {
            target.Parse(input);
        }
        catch (Exception e)
        {
            escaped = e;
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var problem = escaped is null ? null : target.Judge(escaped);
        if (problem is null && allocated > AllocationAllowance + (AllocationPerInputByte * input.Length))
        {
            problem = $"allocated {allocated:N0} bytes for {input.Length} bytes of input";
        }

        if (problem is null && elapsed > slow)
        {
            problem = $"took {elapsed.TotalMilliseconds:F0} ms";
        }

        return new Outcome(problem, Signature(escaped), escaped, allocated, elapsed);
    }

    /// <summary>
    /// The outcome's kind: the exception's type, and the innermost exception's type and message with digits dropped
    /// (the outer message often repeats a fixed prefix). Inputs that fail alike share it.
    /// </summary>
    private static string Signature(Exception? escaped)
    {
        if (escaped is null)
        {
            return "ok";
        }

        var inner = escaped;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        var message = inner.Message;
        var shape = new System.Text.StringBuilder(64);
        foreach (var c in message)
        {
            if (shape.Length == 64)
            {
                break;
            }

            if (!char.IsDigit(c))
            {
                shape.Append(c);
            }
        }

        return $"{escaped.GetType().Name}:{inner.GetType().Name}:{shape}";
    }
}

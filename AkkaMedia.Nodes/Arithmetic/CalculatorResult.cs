namespace AkkaMedia.Nodes.Arithmetic;

/// <summary>The answer of <see cref="CalculatorNode"/> to one <see cref="CalculatorRequest"/>.</summary>
/// <param name="Operation">The requested operation.</param>
/// <param name="Arguments">The requested operands, as received.</param>
/// <param name="Value">The result; null exactly when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why there is no result (division by zero, wrong number of arguments, a non-finite result); null on success.</param>
public sealed record CalculatorResult(CalculatorOperation Operation, IReadOnlyList<double> Arguments, double? Value, string? Error)
{
    /// <summary>True when <see cref="Value"/> holds a result.</summary>
    public bool Succeeded => Error is null;
}

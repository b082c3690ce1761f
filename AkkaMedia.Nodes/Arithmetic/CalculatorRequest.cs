namespace AkkaMedia.Nodes.Arithmetic;

/// <summary>One calculation for <see cref="CalculatorNode"/>.</summary>
/// <param name="Operation">What to compute.</param>
/// <param name="Arguments">The operands, in order; how many each operation takes is documented on <see cref="CalculatorOperation"/>.</param>
public sealed record CalculatorRequest(CalculatorOperation Operation, IReadOnlyList<double> Arguments);

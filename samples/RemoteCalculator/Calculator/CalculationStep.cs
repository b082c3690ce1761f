using System.Globalization;

namespace Calculator;

/// <summary>One operation a calculator applied.</summary>
/// <param name="Operation">The operation's name: <c>add</c> or <c>multiply</c>.</param>
/// <param name="Operand">The value it was applied with.</param>
/// <param name="Result">The running value after it.</param>
public sealed record CalculationStep(string Operation, double Operand, double Result)
{
    /// <summary><c>add 5 = 5</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Operation} {Operand} = {Result}");
}

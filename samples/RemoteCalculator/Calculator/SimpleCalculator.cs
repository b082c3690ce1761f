namespace Calculator;

/// <summary>
/// A calculator that keeps its running value and its history in fields: deployed remotely, both live on the
/// executor between calls, and a copy of them comes back with the remote object's state.
/// </summary>
public sealed class SimpleCalculator : ICalculator
{
    private readonly List<CalculationStep> _history = [];

    /// <inheritdoc />
    public double Value { get; private set; }

    /// <inheritdoc />
    public double Add(double operand) => Apply("add", operand, Value + operand);

    /// <inheritdoc />
    public double Multiply(double operand) => Apply("multiply", operand, Value * operand);

    /// <inheritdoc />
    public IReadOnlyList<CalculationStep> History() => _history.ToArray();

    private double Apply(string operation, double operand, double result)
    {
        Value = result;
        _history.Add(new CalculationStep(operation, operand, result));
        return result;
    }
}

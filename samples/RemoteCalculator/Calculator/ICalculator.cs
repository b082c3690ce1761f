namespace Calculator;

/// <summary>A calculator with a running value and a record of every operation applied to it.</summary>
public interface ICalculator
{
    /// <summary>The running value; 0 for a new calculator.</summary>
    double Value { get; }

    /// <summary>Adds <paramref name="operand"/> to the running value, records the step and returns the new value.</summary>
    double Add(double operand);

    /// <summary>Multiplies the running value by <paramref name="operand"/>, records the step and returns the new value.</summary>
    double Multiply(double operand);

    /// <summary>The operations applied so far, oldest first; a copy, so later calls do not change it.</summary>
    IReadOnlyList<CalculationStep> History();
}

namespace AkkaMedia.Nodes.Arithmetic;

/// <summary>An arithmetic operation of <see cref="CalculatorNode"/>.</summary>
public enum CalculatorOperation
{
    /// <summary>Sum of all arguments (one or more).</summary>
    Add,

    /// <summary>The first argument minus each following one, left to right (two or more).</summary>
    Subtract,

    /// <summary>Product of all arguments (one or more).</summary>
    Multiply,

    /// <summary>The first argument divided by each following one, left to right (two or more); a zero divisor is an error.</summary>
    Divide,

    /// <summary>Left-associative exponentiation: <c>[2, 3, 2]</c> is <c>(2^3)^2</c> (two or more).</summary>
    Power,

    /// <summary>Floored remainder, left to right, with the sign of the divisor as in Python: <c>[-7, 3]</c> is 2 (two or more); a zero divisor is an error.</summary>
    Modulo,
}

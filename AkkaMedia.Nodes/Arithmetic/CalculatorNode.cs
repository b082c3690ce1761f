namespace AkkaMedia.Nodes.Arithmetic;

/// <summary>
/// Answers every <see cref="CalculatorRequest"/> with one <see cref="CalculatorResult"/>, in order:
/// add and multiply over all arguments; subtract, divide, power and modulo folded left to right.
/// </summary>
/// <remarks>
/// A request that cannot be computed is answered, not fatal: division or modulo by zero, too few
/// arguments for the operation, an undefined operation value, or a result that is infinite or NaN
/// although every argument was finite (an overflow, a negative base to a fractional power) give a
/// result with <see cref="CalculatorResult.Error"/> set and no value; the stream goes on.
/// Nothing is buffered.
/// </remarks>
public sealed class CalculatorNode : Node<CalculatorRequest, CalculatorResult>
{
    /// <inheritdoc />
    public override void Process(CalculatorRequest input, INodeOutput<CalculatorResult> output) =>
        output.Emit(Calculate(input));

    /// <summary>Computes one request, as the node does for each element; never throws for bad input.</summary>
    public static CalculatorResult Calculate(CalculatorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var operation = request.Operation;
        var args = request.Arguments ?? [];
        var minimum = operation is CalculatorOperation.Add or CalculatorOperation.Multiply ? 1 : 2;
        if (!Enum.IsDefined(operation))
        {
            return Failed(request, $"Unknown operation {(int)operation}.");
        }

        if (args.Count < minimum)
        {
            return Failed(request, $"{operation} needs at least {minimum} argument{(minimum == 1 ? string.Empty : "s")} but got {args.Count}.");
        }

        var value = args[0];
        for (var i = 1; i < args.Count; i++)
        {
            var next = args[i];
            switch (operation)
            {
                case CalculatorOperation.Add:
                    value += next;
                    break;
                case CalculatorOperation.Subtract:
                    value -= next;
                    break;
                case CalculatorOperation.Multiply:
                    value *= next;
                    break;
                case CalculatorOperation.Divide when next == 0:
                    return Failed(request, $"Division by zero (argument {i}).");
                case CalculatorOperation.Divide:
                    value /= next;
                    break;
                case CalculatorOperation.Power:
                    value = Math.Pow(value, next);
                    break;
                case CalculatorOperation.Modulo when next == 0:
                    return Failed(request, $"Modulo by zero (argument {i}).");
                case CalculatorOperation.Modulo:
                    value = FlooredModulo(value, next);
                    break;
            }
        }

        if (!double.IsFinite(value) && AllFinite(args))
        {
            return Failed(request, $"{operation} of these arguments has no finite result ({value}).");
        }

        return new CalculatorResult(operation, args, value, null);
    }

    private static double FlooredModulo(double dividend, double divisor)
    {
        var remainder = dividend % divisor;
        return remainder != 0 && (remainder < 0) != (divisor < 0) ? remainder + divisor : remainder;
    }

    private static bool AllFinite(IReadOnlyList<double> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (!double.IsFinite(args[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static CalculatorResult Failed(CalculatorRequest request, string error) =>
        new(request.Operation, request.Arguments ?? [], null, error);
}

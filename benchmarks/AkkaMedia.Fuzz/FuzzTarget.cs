namespace AkkaMedia.Fuzz;

/// <summary>
/// One parser of outside bytes as the fuzzer drives it: valid encodings to mutate, the call that parses one input, and
/// the exception types its contract documents for a rejection. Anything else escaping <see cref="Parse"/> is a bug.
/// </summary>
/// <param name="Name">The name given to <c>--target</c>.</param>
/// <param name="Seeds">Valid (and a few borderline) inputs the mutator starts from.</param>
/// <param name="Parse">Parses one input completely (every frame of a file, every message of a stream).</param>
/// <param name="Rejections">The documented rejection types; a rejection must be one of them and carry a message.</param>
/// <param name="Tokens">Words of the format (keys, tags, magic numbers) the mutator splices in.</param>
internal sealed record FuzzTarget(string Name, IReadOnlyList<byte[]> Seeds, Action<byte[]> Parse, IReadOnlyList<Type> Rejections, IReadOnlyList<byte[]> Tokens)
{
    /// <summary>
    /// Exceptions that betray a parser bug wherever they appear, even wrapped in a documented type: the parser read
    /// past its data, trusted a null, a cast or an arithmetic result it had not checked.
    /// </summary>
    private static readonly Type[] Bugs =
    [
        typeof(NullReferenceException), typeof(IndexOutOfRangeException), typeof(OverflowException), typeof(OutOfMemoryException),
        typeof(InvalidCastException), typeof(DivideByZeroException), typeof(KeyNotFoundException), typeof(NotImplementedException),
        typeof(AccessViolationException), typeof(StackOverflowException), typeof(InsufficientExecutionStackException),
    ];

    /// <summary>Null when <paramref name="exception"/> is a documented rejection; otherwise why it is not.</summary>
    public string? Judge(Exception exception)
    {
        if (!Rejections.Any(type => type.IsInstanceOfType(exception)))
        {
            return $"undocumented {exception.GetType().Name}";
        }

        if (string.IsNullOrWhiteSpace(exception.Message))
        {
            return $"{exception.GetType().Name} without a message";
        }

        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (Bugs.Any(type => type.IsInstanceOfType(inner)))
            {
                return $"{exception.GetType().Name} hiding a {inner.GetType().Name}";
            }
        }

        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

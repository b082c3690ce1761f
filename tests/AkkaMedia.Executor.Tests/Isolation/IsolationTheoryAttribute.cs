namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>A theory that runs only where <see cref="IsolationFactAttribute"/>'s facts run, skipped saying why elsewhere.</summary>
public sealed class IsolationTheoryAttribute : TheoryAttribute
{
    /// <summary>Whether the theory needs the worker cgroups (limits) and not only the sandbox.</summary>
    public bool NeedsCgroups { get; set; }

    public override string? Skip
    {
        get => base.Skip ?? IsolationFactAttribute.SkipReason(NeedsCgroups);
        set => base.Skip = value;
    }
}

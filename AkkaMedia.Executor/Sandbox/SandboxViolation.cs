namespace AkkaMedia.Executor.Sandbox;

/// <summary>
/// One reference in shipped code that the <see cref="SandboxPolicy"/> forbids: which assembly refers to which member
/// of which type, and the rule that forbids it; or a native library the policy does not admit.
/// </summary>
/// <param name="Assembly">Simple name of the shipped assembly holding the reference, or the file name of a refused native library.</param>
/// <param name="Type">
/// Full name of the referenced type (nested types as <c>Outer+Inner</c>), of the user's own type for a native method, or
/// <c>(native library)</c> for a shipped native library.
/// </param>
/// <param name="Member">
/// The referenced member with its parameter types (<c>Start(System.String)</c>; constructors <c>.ctor(...)</c>, property
/// accessors <c>get_X()</c>), <c>(type)</c> when the type itself is used, the native method the assembly declares, or
/// the native library's file name.
/// </param>
/// <param name="Rule">The rule that forbids it, as written in the configuration.</param>
/// <param name="Section">The configuration section of the policy that holds the rule.</param>
internal sealed record SandboxViolation(string Assembly, string Type, string Member, string Rule, string Section = "akka-media.executor.sandbox")
{
    /// <summary>Whether the process isolation policy would allow this reference (set by the in-process policy only).</summary>
    public bool AllowedUnderProcessIsolation { get; init; }

    /// <summary>A sentence naming the assembly, type, member and rule, for rejection messages and logs.</summary>
    public string Message =>
        (Type == SandboxPolicy.NativeLibraryType
            ? $"{Assembly} is a native library, refused by sandbox rule \"{Rule}\" ({Section})"
            : $"{Assembly} uses {Type}::{Member}, forbidden by sandbox rule \"{Rule}\" ({Section})")
        + (AllowedUnderProcessIsolation ? ", which process isolation allows" : string.Empty) + ".";

    /// <inheritdoc />
    public override string ToString() => Message;
}

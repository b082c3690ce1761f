namespace AkkaMedia.Executor.Sandbox;

/// <summary>
/// One reference in shipped code that the <see cref="SandboxPolicy"/> forbids: which assembly refers to which member
/// of which type, and the rule that forbids it.
/// </summary>
/// <param name="Assembly">Simple name of the shipped assembly holding the reference.</param>
/// <param name="Type">Full name of the referenced type (nested types as <c>Outer+Inner</c>), or of the user's own type for a native method.</param>
/// <param name="Member">
/// The referenced member with its parameter types (<c>Start(System.String)</c>; constructors <c>.ctor(...)</c>, property
/// accessors <c>get_X()</c>), <c>(type)</c> when the type itself is used, or the native method the assembly declares.
/// </param>
/// <param name="Rule">The rule from <c>akka-media.executor.sandbox</c> that forbids it, as written there.</param>
internal sealed record SandboxViolation(string Assembly, string Type, string Member, string Rule)
{
    /// <summary>A sentence naming the assembly, type, member and rule, for rejection messages and logs.</summary>
    public string Message => $"{Assembly} uses {Type}::{Member}, forbidden by sandbox rule \"{Rule}\" (akka-media.executor.sandbox).";

    /// <inheritdoc />
    public override string ToString() => Message;
}

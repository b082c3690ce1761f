using SharpFuzz;

namespace AkkaMedia.Fuzz;

/// <summary>
/// The coverage-guided mode: afl-fuzz starts this process and feeds it inputs through SharpFuzz's fork server; the
/// edges hit in the SharpFuzz-instrumented AkkaMedia assemblies steer the mutations. A contract breach is an exception
/// that escapes, which afl records as a crash. The environment is made on the first input, inside SharpFuzz's loop,
/// because instrumented code must not run before it.
/// </summary>
internal static class AflHarness
{
    public static void Run(string name)
    {
        FuzzTarget? target = null;
        Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= FuzzTargets.Named(new FuzzEnvironment(), name);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var outcome = FuzzCheck.Run(target, buffer.ToArray(), TimeSpan.FromSeconds(5));
            if (outcome.Problem is { } problem)
            {
                throw new InvalidOperationException($"{target.Name}: {problem}", outcome.Exception);
            }
        });
    }
}

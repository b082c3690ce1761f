using System.Globalization;

namespace AkkaMedia.Fuzz;

/// <summary>The command line: a fuzzing run (default), a replay of one saved input, seeds for afl, or the afl harness.</summary>
internal static class FuzzCommand
{
    private const string Usage = """
        AkkaMedia.Fuzz [--target NAME|all] [--inputs N] [--seconds S] [--seed N] [--slow-ms MS] [--hang-seconds S] [--findings DIR]
        AkkaMedia.Fuzz --replay FILE --target NAME
        AkkaMedia.Fuzz --write-seeds DIR --target NAME
        AkkaMedia.Fuzz --afl NAME            (under afl-fuzz, with SharpFuzz-instrumented assemblies)
        """;

    /// <summary>Runs the command; the exit code is 0 when no target broke its contract, 1 when one did, 2 for bad arguments.</summary>
    public static int Run(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine(Usage);
                return 2;
            }

            options[args[i][2..]] = args[i + 1];
        }

        if (options.TryGetValue("afl", out var afl))
        {
            // Before anything instrumented runs: instrumented code outside SharpFuzz's loop has no coverage map to write to.
            AflHarness.Run(afl);
            return 0;
        }

        using var environment = new FuzzEnvironment();

        var name = options.GetValueOrDefault("target", "all");
        if (options.TryGetValue("replay", out var replay))
        {
            var target = FuzzTargets.Named(environment, name);
            var outcome = FuzzCheck.Run(target, File.ReadAllBytes(replay), TimeSpan.FromSeconds(1));
            Console.WriteLine(outcome.Problem is null ? $"ok: {outcome.Signature}" : $"FINDING: {outcome.Problem}\n{outcome.Exception}");
            return outcome.Problem is null ? 0 : 1;
        }

        if (options.TryGetValue("write-seeds", out var directory))
        {
            var target = FuzzTargets.Named(environment, name);
            Directory.CreateDirectory(directory);
            for (var i = 0; i < target.Seeds.Count; i++)
            {
                File.WriteAllBytes(Path.Combine(directory, $"seed-{i}"), target.Seeds[i]);
            }

            return 0;
        }

        var inputs = long.Parse(options.GetValueOrDefault("inputs", "1000000"), CultureInfo.InvariantCulture);
        TimeSpan? duration = options.TryGetValue("seconds", out var seconds) ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)) : null;
        var seed = int.Parse(options.GetValueOrDefault("seed", "17"), CultureInfo.InvariantCulture);
        var slow = TimeSpan.FromMilliseconds(double.Parse(options.GetValueOrDefault("slow-ms", "1000"), CultureInfo.InvariantCulture));
        var hang = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("hang-seconds", "10"), CultureInfo.InvariantCulture));
        var findings = options.GetValueOrDefault("findings", "fuzz-findings");
        var targets = name == "all" ? FuzzTargets.All(environment) : [FuzzTargets.Named(environment, name)];

        var reports = new List<FuzzReport>();
        foreach (var target in targets)
        {
            var report = new FuzzRunner(target, seed, slow, hang, findings).Run(inputs, duration, Console.Error.WriteLine);
            reports.Add(report);
            Console.Error.WriteLine(report.Row());
            foreach (var finding in report.Findings)
            {
                Console.Error.WriteLine("  FINDING " + finding);
            }
        }

        Console.WriteLine($"Seed {seed}, {inputs:N0} inputs per target{(duration is null ? "" : $" or {duration.Value.TotalSeconds} s")}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        Console.WriteLine(FuzzReport.Header);
        foreach (var report in reports)
        {
            Console.WriteLine(report.Row());
        }

        return reports.Any(r => r.Findings.Count > 0) ? 1 : 0;
    }
}

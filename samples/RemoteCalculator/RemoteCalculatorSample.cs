using System.CommandLine;
using System.Globalization;
using AkkaMedia.Deployment;
using AkkaMedia.Remote;
using AkkaMedia.Samples.Common;
using Calculator;

namespace AkkaMedia.Samples.RemoteCalculator;

/// <summary>
/// The RemoteCalculator sample: a <see cref="SimpleCalculator"/> (the user's class, in Calculator.dll) is
/// deployed with <see cref="RemoteObject.DeployAsync{TInterface}"/> to an executor that has never seen it,
/// called through <see cref="ICalculator"/> (add, then multiply), and its history and state read back.
/// Exit code 0 only when every result, the history and the state copy match what this program computes
/// itself, and the local calculator was never touched.
/// </summary>
internal static class RemoteCalculatorSample
{
    private const string Name = "calculator";

    /// <summary>Parses <paramref name="args"/>, runs the sample and returns the process exit code (0 ok, 1 failed or bad arguments).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        var add = new Option<double>("--add") { Description = "The operand of the first call, Add.", DefaultValueFactory = _ => 5 };
        var multiply = new Option<double>("--multiply") { Description = "The operand of the second call, Multiply.", DefaultValueFactory = _ => 2 };
        foreach (var option in new[] { add, multiply })
        {
            option.Validators.Add(result =>
            {
                if (!double.IsFinite(result.GetValueOrDefault<double>()))
                {
                    result.AddError($"{result.Option.Name} must be a finite number, e.g. {result.Option.Name} 5.");
                }
            });
        }

        return new SampleCommand(Name, "RemoteCalculator sample: ship a calculator object to an executor, call Add and Multiply there, read back its history.")
            .Add(add)
            .Add(multiply)
            .RunAsync(args, stdout, stderr, run => RunAsync(run, run.Get(add), run.Get(multiply)), cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> RunAsync(SampleRun run, double addend, double factor)
    {
        var c = CultureInfo.InvariantCulture;
        await run.WriteHeadlineAsync(string.Create(c,
            $"{nameof(SimpleCalculator)} (via {nameof(ICalculator)}) deployed to the executor, then add({addend}), multiply({factor}) run there"));

        var package = DependencyAnalyzer.Analyze(typeof(SimpleCalculator).Assembly);
        await run.WritePackageAsync(package);

        var local = new SimpleCalculator();
        await using var remote = await RemoteObject.DeployAsync<ICalculator>(
            run.Connection.Client, local, new RemoteObjectOptions { Executor = run.Connection.ExecutorAddress }, run.CancellationToken);
        await run.WriteAsync("session", $"{remote.SessionId} on {remote.ExecutorAddress}");

        var calculator = remote.Proxy;
        var sum = calculator.Add(addend);
        var product = calculator.Multiply(factor);
        var history = calculator.History();
        var value = calculator.Value;
        await run.WriteAsync(string.Create(c, $"add({addend})"), sum.ToString(c));
        await run.WriteAsync(string.Create(c, $"multiply({factor})"), product.ToString(c));
        await run.WriteAsync("value", value.ToString(c));
        await run.WriteAsync("history", string.Join("; ", history));

        var state = await remote.GetStateAsync(run.CancellationToken);
        await run.WriteAsync("state copy", string.Create(c, $"{state.GetType().Name}, value {state.Value}, history: {string.Join("; ", state.History())}"));
        await run.WriteAsync("local object", string.Create(c, $"value {local.Value}, {local.History().Count} steps (untouched: the calls ran on the executor)"));

        // What the calls must have done, computed here: (0 + addend) * factor.
        var expectedSum = 0 + addend;
        var expectedProduct = expectedSum * factor;
        var expectedHistory = new[] { new CalculationStep("add", addend, expectedSum), new CalculationStep("multiply", factor, expectedProduct) };
        var problems = new List<string>();
        if (sum != expectedSum || product != expectedProduct || value != expectedProduct)
        {
            problems.Add(string.Create(c, $"add({addend}) then multiply({factor}) should give {expectedSum} then {expectedProduct}, but gave {sum} then {product} (value {value})."));
        }

        if (!history.SequenceEqual(expectedHistory))
        {
            problems.Add($"The history should list {string.Join("; ", expectedHistory.Select(s => s.ToString()))}, but lists {string.Join("; ", history)}.");
        }

        if (ReferenceEquals(state, local) || state.Value != expectedProduct || !state.History().SequenceEqual(expectedHistory))
        {
            problems.Add(string.Create(c, $"The state copy should hold value {expectedProduct} and both steps, but holds value {state.Value} and {state.History().Count} step(s)."));
        }

        if (local.Value != 0 || local.History().Count != 0)
        {
            problems.Add("The local calculator changed: the calls ran here, not on the executor.");
        }

        problems.AddRange(await run.CheckLoadedFromPackageAsync(package));
        return problems;
    }
}

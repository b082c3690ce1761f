using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using AkkaMedia.Remote;

namespace AkkaMedia.LoadTest;

/// <summary>
/// The driver: starts the executor child, joins its cluster as a client, runs the scenarios one after
/// the other, prints one JSON line per scenario and kills the child whatever happens.
/// </summary>
internal static class LoadTestDriver
{
    /// <summary>How every result line is written: camelCase, nulls left out.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Runs the scenarios of <paramref name="arguments"/>; 0 when all completed without losing a frame, 1 otherwise.</summary>
    public static async Task<int> RunAsync(LoadTestArguments arguments, TextWriter results)
    {
        Console.Error.WriteLine("Starting the executor process...");
        using var executor = await ExecutorChild.StartAsync(arguments.Settings, TimeSpan.FromSeconds(60));
        Console.Error.WriteLine($"Executor {executor.Address} ready (pid {executor.ProcessId}).");
        var system = MediaActorSystem.Create(LoadTestConfig.SystemName, LoadTestConfig.Client(executor.Address, arguments.Settings));
        try
        {
            var found = await ExecutorDirectory.Get(system).GetExecutorsAsync("executor", TimeSpan.FromSeconds(30));
            if (!found.Any(e => e.Address == executor.Address))
            {
                Console.Error.WriteLine($"The driver did not see executor {executor.Address} join within 30 s.");
                return 1;
            }

            var succeeded = true;
            foreach (var scenario in Scenarios(arguments, system, executor))
            {
                var result = await scenario();
                results.WriteLine(JsonSerializer.Serialize(result, result.GetType(), Json));
                if (result.MarkdownTable() is { } table)
                {
                    results.Write(table);
                }

                results.Flush();
                succeeded &= result.Succeeded;
            }

            return succeeded ? 0 : 1;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    private static IEnumerable<Func<Task<IScenarioResult>>> Scenarios(LoadTestArguments arguments, ActorSystem system, ExecutorChild executor)
    {
        if (arguments.Scenario == "calls")
        {
            yield return async () => await new CallsScenario(
                system, executor, arguments.Seconds ?? 5, arguments.Callers, arguments.InFlight, arguments.Cycles, arguments.WarmupSeconds).RunAsync();
            yield break;
        }

        foreach (var transport in arguments.Transports)
        {
            switch (arguments.Scenario)
            {
                case "throughput":
                    yield return Throughput(arguments.Seconds ?? 5);
                    break;
                case "paced":
                    yield return Paced(arguments.Streams);
                    break;
                default:
                    yield return Throughput(5);
                    yield return Paced(1);
                    yield return Paced(arguments.Streams);
                    break;
            }

            Func<Task<IScenarioResult>> Throughput(int seconds) => async () =>
                await new ThroughputScenario(system, executor, transport, seconds, arguments.Runs, arguments.WarmupSeconds).RunAsync();

            Func<Task<IScenarioResult>> Paced(int streams) => async () =>
                await new PacedScenario(system, [executor], transport, streams, arguments.Seconds ?? 20, arguments.Wave, arguments.WarmupSeconds, arguments.PaceResolutionMs, startAfterPlacement: arguments.StartAfterPlacement, flood: arguments.Flood, floodProcess: arguments.FloodProcess ? arguments.Settings : null, floodNice: arguments.FloodNice, openRate: arguments.OpenRate, floodElsewhere: arguments.FloodElsewhere).RunAsync();
        }
    }
}

using AkkaMedia.LoadTest;

// Results (one JSON line per scenario) own stdout; everything else, Akka's log included, goes to stderr.
var results = Console.Out;
Console.SetOut(Console.Error);

LoadTestArguments arguments;
try
{
    arguments = LoadTestArguments.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadTestArguments.Usage);
    return 2;
}

return arguments.Scenario switch
{
    "executor" => await ExecutorProcess.RunAsync(arguments, results),
    "flood" => await FloodProcess.RunAsync(arguments, results),
    "growth" => await GrowthScenario.RunAsync(arguments, results),
    "chaos" => await ChaosScenario.RunAsync(arguments, results),
    "soak" => await SoakScenario.RunAsync(arguments, results),
    _ => await LoadTestDriver.RunAsync(arguments, results),
};

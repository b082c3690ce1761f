using AkkaMedia.EdgeLoad;

// Results (one JSON line per point, then the table) own stdout; progress and child logs go to stderr.
var results = Console.Out;
Console.SetOut(Console.Error);

EdgeLoadArguments arguments;
try
{
    arguments = EdgeLoadArguments.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(EdgeLoadArguments.Usage);
    return 2;
}

return arguments.Mode switch
{
    EdgeLoadMode.FloorServer => await FloorServer.RunAsync(arguments, results),
    EdgeLoadMode.Client => await EdgeLoadScenario.RunClientAsync(arguments, results),
    _ => await EdgeLoadScenario.RunAsync(arguments, results),
};

using AkkaMedia.Samples.CustomDependencies;

return await CustomDependenciesSample.RunAsync(args, Console.Out, Console.Error);

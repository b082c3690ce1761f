using AkkaMedia.Samples.RemoteCalculator;

return await RemoteCalculatorSample.RunAsync(args, Console.Out, Console.Error);

using AkkaMedia.Samples.DataProcessor;

return await DataProcessorSample.RunAsync(args, Console.Out, Console.Error);

using AkkaMedia.Samples;

return await GraphDslSample.RunAsync(args, Console.Out, Console.Error);

using AkkaMedia.Samples.SpectrumAnalyzer;

return await SpectrumAnalyzerSample.RunAsync(args, Console.Out, Console.Error);

using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/AkkaMedia.Benchmarks -- --filter '*FrameSerializer*' --job short
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

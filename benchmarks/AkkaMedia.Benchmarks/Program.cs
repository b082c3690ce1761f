using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/AkkaMedia.Benchmarks -- --filter '*FrameSerializer*' --job short
// The generous build timeout keeps a busy 2-core machine from aborting the benchmark's own build.
var config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
BenchmarkSwitcher.FromAssembly(typeof(AkkaMedia.Benchmarks.IsolationBenchmarks).Assembly).Run(args, config);

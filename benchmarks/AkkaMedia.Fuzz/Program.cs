using AkkaMedia.Fuzz;

// Fuzzes every parser of outside bytes; see docs/fuzzing.md.
//   dotnet run -c Release --project benchmarks/AkkaMedia.Fuzz -- [--target NAME|all] [--inputs N] [--seconds S] [--seed N]
//   dotnet run -c Release --project benchmarks/AkkaMedia.Fuzz -- --replay FILE --target NAME
//   afl-fuzz -i corpus -o out -- dotnet benchmarks/AkkaMedia.Fuzz/bin/Release/net10.0/AkkaMedia.Fuzz.dll --afl NAME
return FuzzCommand.Run(args);

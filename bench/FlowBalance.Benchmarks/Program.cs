using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/FlowBalance.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

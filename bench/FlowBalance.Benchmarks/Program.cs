using BenchmarkDotNet.Running;

namespace FlowBalance.Benchmarks;

// A named class, not top-level statements: the host's own top-level Program would clash with it (CS0436).
public static class BenchmarkProgram
{
    // dotnet run -c Release --project bench/FlowBalance.Benchmarks -- --filter '*'
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}

using BenchmarkDotNet.Attributes;
using FlowBalance.Actors.State;

namespace FlowBalance.Benchmarks;

/// <summary>Host header → service with 1,000 services: exact, wildcard and catch-all paths.</summary>
[MemoryDiagnoser]
public class HostMatchBenchmarks
{
    private RoutingTable _table = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = Enumerable.Range(0, 998).Select(i => PickBenchmarks.Service(2, false, $"svc{i}.example.com"))
            .Append(PickBenchmarks.Service(2, false, "*.wild.example.org"))
            .Append(PickBenchmarks.Service(2, false));
        _table = new RoutingTable(services);
    }

    [Benchmark(Baseline = true)]
    public ServiceSlot? Exact() => _table.Match("svc517.example.com");

    [Benchmark]
    public ServiceSlot? ExactOtherCase() => _table.Match("SVC517.Example.com");

    [Benchmark]
    public ServiceSlot? Wildcard() => _table.Match("a.b.wild.example.org");

    [Benchmark]
    public ServiceSlot? CatchAll() => _table.Match("unknown.example.net");
}

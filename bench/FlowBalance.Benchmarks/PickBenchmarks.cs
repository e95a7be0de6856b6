using BenchmarkDotNet.Attributes;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;

namespace FlowBalance.Benchmarks;

/// <summary>Picking a backend: must allocate nothing and not grow with the number of backends.</summary>
[MemoryDiagnoser]
public class PickBenchmarks
{
    private RoutingSnapshot _equal = null!;
    private RoutingSnapshot _weighted = null!;
    private BackendSlot _slot = null!;

    [Params(2, 100, 1000)]
    public int Backends { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _equal = Service(Backends, weighted: false).Current;
        _weighted = Service(Backends, weighted: true).Current;
        _slot = _equal.All[0];
    }

    [Benchmark(Baseline = true)]
    public BackendSlot? RoundRobin() => _equal.Pick(out _);

    [Benchmark]
    public BackendSlot? WeightedRoundRobin() => _weighted.Pick(out _);

    [Benchmark]
    public void PickAndReportOutcome()
    {
        var slot = _equal.Pick(out var admission)!;
        slot.Counters.RequestStarted();
        slot.Finish(admission, OutcomeKind.Response, 200, 1_000);
    }

    internal static ServiceSlot Service(int backends, bool weighted, string? hostname = null) => new(new ServiceDefinition(
        hostname ?? "bench", hostname,
        [.. Enumerable.Range(0, backends).Select(i => new BackendDefinition($"b{i}", new Uri($"http://10.0.{i / 250}.{i % 250}:8080"), weighted ? 1 + i % 5 : 1))],
        [], ServiceSettings.Default));
}

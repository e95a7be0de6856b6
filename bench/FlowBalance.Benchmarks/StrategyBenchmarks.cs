using BenchmarkDotNet.Attributes;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;

namespace FlowBalance.Benchmarks;

/// <summary>
/// Each load-balancing strategy's pick (what the request path pays), at 2, 100 and 1,000 backends:
/// allocation must be zero and the cost must not grow with the number of backends
/// (least_outstanding_requests compares a moving window of 16, not every backend).
/// </summary>
[MemoryDiagnoser]
public class StrategyBenchmarks
{
    private ServiceSlot _roundRobin = null!;
    private ServiceSlot _leastOutstanding = null!;
    private ServiceSlot _twoChoices = null!;
    private ServiceSlot _random = null!;
    private ServiceSlot _cookie = null!;
    private ServiceSlot _hashed = null!;
    private ServiceSlot _geo = null!;
    private RouteKey _cookieKey;
    private RouteKey _hashKey;
    private RouteKey _geoKey;

    [Params(2, 100, 1000)]
    public int Backends { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _roundRobin = Service("round_robin");
        _leastOutstanding = Service("least_outstanding_requests");
        _twoChoices = Service("power_of_two_choices");
        _random = Service("random");
        _cookie = Service("round_robin", SessionAffinityOptions.Cookie);
        _hashed = Service("round_robin", SessionAffinityOptions.Header);
        _cookieKey = new RouteKey(null, null, _cookie.Backends[Backends / 2].AffinityToken, 0, false);
        _hashKey = new RouteKey(null, null, null, StableHash.Of("user-4711"), true);
        var flat = PickBenchmarks.Service(Backends, weighted: false).Definition;
        var half = Math.Max(1, Backends / 2);
        _geo = new ServiceSlot(flat with
        {
            Pools =
            [
                new PoolDefinition("us", [.. flat.Backends.Take(half)], ["US", "CA"], "rest", flat.Settings),
                new PoolDefinition("rest", [.. flat.Backends.Skip(half)], [], null, flat.Settings),
            ],
        });
        _geoKey = new RouteKey("US", "NA", null, 0, false);
        // Some load, so the load-aware picks compare real numbers.
        foreach (var slot in new[] { _leastOutstanding, _twoChoices }.SelectMany(s => s.Backends.Where((_, i) => i % 3 == 0))) slot.Counters.RequestStarted();
    }

    [Benchmark(Baseline = true)]
    public BackendSlot? RoundRobin() => _roundRobin.Pick(RouteKey.None, out _);

    [Benchmark]
    public BackendSlot? LeastOutstandingRequests() => _leastOutstanding.Pick(RouteKey.None, out _);

    [Benchmark]
    public BackendSlot? PowerOfTwoChoices() => _twoChoices.Pick(RouteKey.None, out _);

    [Benchmark]
    public BackendSlot? Random() => _random.Pick(RouteKey.None, out _);

    [Benchmark]
    public BackendSlot? AffinityCookie() => _cookie.Pick(_cookieKey, out _);

    [Benchmark]
    public BackendSlot? AffinityHashOnRing() => _hashed.Pick(_hashKey, out _);

    [Benchmark]
    public BackendSlot? GeoPool() => _geo.Pick(_geoKey, out _);

    private ServiceSlot Service(string algorithm, string affinity = SessionAffinityOptions.None)
    {
        var flat = PickBenchmarks.Service(Backends, weighted: false).Definition;
        var balancer = flat.Settings.LoadBalancer with
        {
            Algorithm = algorithm,
            SessionAffinity = flat.Settings.LoadBalancer.SessionAffinity with { Type = affinity },
        };
        return new ServiceSlot(flat with { Settings = flat.Settings with { LoadBalancer = balancer } });
    }
}

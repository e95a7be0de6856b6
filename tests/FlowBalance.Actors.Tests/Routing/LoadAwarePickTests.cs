using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;

namespace FlowBalance.Actors.Tests.Routing;

/// <summary>The load-aware and random algorithms, over the same lock-free in-flight counters the proxy writes.</summary>
public sealed class LoadAwarePickTests
{
    [Fact]
    public void Least_outstanding_requests_picks_the_backend_with_the_fewest_in_flight_per_weight()
    {
        var service = Service("least_outstanding_requests", """[{ url = "http://a.test", weight = 2 }, "http://b.test", "http://c.test"]""");
        Busy(service, "a", 3); // 1.5 per weight
        Busy(service, "b", 1);
        Busy(service, "c", 2);

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("b", Pick(service)));
        Busy(service, "b", 3); // b: 4, a: 1.5 per weight, c: 2
        Assert.Equal("a", Pick(service));
    }

    [Fact]
    public void Least_outstanding_requests_spreads_ties_evenly()
    {
        var service = Service("least_outstanding_requests", """["http://a.test", "http://b.test", "http://c.test"]""");

        var counts = Enumerable.Range(0, 300).GroupBy(_ => Pick(service)).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(3, counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(100, c));
    }

    [Fact]
    public void Power_of_two_choices_never_picks_the_busier_of_the_two_it_draws()
    {
        var service = Service("power_of_two_choices", """["http://a.test", "http://b.test"]""");
        Busy(service, "a", 5);

        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal("b", Pick(service)));
    }

    [Fact]
    public void Power_of_two_choices_breaks_ties_by_latency_and_avoids_the_busiest_of_many()
    {
        var service = Service("power_of_two_choices", """["http://a.test", "http://b.test", "http://c.test", "http://d.test"]""");
        Busy(service, "d", 10);

        var picks = Enumerable.Range(0, 2_000).Select(_ => Pick(service)).ToList();

        Assert.DoesNotContain("d", picks); // d loses every draw it is in
        Assert.All(new[] { "a", "b", "c" }, id => Assert.InRange(picks.Count(p => p == id), 450, 900));
    }

    [Fact]
    public void Random_honours_weights()
    {
        var service = Service("random", """[{ url = "http://a.test", weight = 3 }, "http://b.test"]""");

        var a = Enumerable.Range(0, 20_000).Count(_ => Pick(service) == "a");

        Assert.InRange(a / 20_000.0, 0.72, 0.78);
    }

    [Fact]
    public void Every_algorithm_skips_tried_backends_and_allocates_nothing_per_pick()
    {
        foreach (var algorithm in LoadBalancerOptions.Algorithms)
        {
            var service = Service(algorithm, """["http://a.test", "http://b.test"]""");
            var a = service.Backends[0];
            Assert.All(Enumerable.Range(0, 20), _ => Assert.Equal("b", service.Pick(RouteKey.None, out Admission _, [a])!.Definition.Url.Host[0].ToString()));

            Pick(service);
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1_000; i++) service.Pick(RouteKey.None, out Admission _);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    private static ServiceSlot Service(string algorithm, string backends) =>
        new(ConfigText.Load($"flowbalance {{ backends = {backends}, load_balancer.algorithm = {algorithm} }}").Services[0]);

    private static void Busy(ServiceSlot service, string host, int requests)
    {
        var slot = service.Backends.Single(b => b.Definition.Url.Host == $"{host}.test");
        for (var i = 0; i < requests; i++) slot.Counters.RequestStarted();
    }

    private static string Pick(ServiceSlot service) => service.Pick(RouteKey.None, out Admission _)!.Definition.Url.Host[..1];
}

using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;

namespace FlowBalance.Actors.Tests.State;

/// <summary>Pool choice by region, fallback chains, and affinity tokens, on the published routing.</summary>
public sealed class ServiceRoutingTests
{
    private const string Pools = """
        flowbalance.pools = [
          { id = "us", backends = ["http://us.test"], geo_steering { regions = ["US", "CA"], fallback_pool = "eu" } }
          { id = "eu", backends = ["http://eu.test"], geo_steering { regions = ["EU"], fallback_pool = "asia" } }
          { id = "asia", backends = ["http://asia.test"], geo_steering { regions = ["AS"] } }
          { id = "global", backends = ["http://global.test"] }
        ]
        """;

    [Theory]
    [InlineData("US", "NA", "us")]
    [InlineData("ca", "NA", "us")]
    [InlineData("DE", "EU", "eu")] // by continent
    [InlineData("JP", "AS", "asia")]
    [InlineData("BR", "SA", "global")] // unclaimed: the default pool (the first without geo_steering)
    [InlineData(null, null, "global")]
    public void The_client_region_chooses_the_pool(string? country, string? continent, string expected)
    {
        var service = new ServiceSlot(ConfigText.Load(Pools).Services[0]);

        Assert.Equal(expected, Host(service.Pick(new RouteKey(country, continent, null, 0, false), out Admission _)));
    }

    [Fact]
    public void A_pool_with_nothing_routable_follows_its_fallback_chain_then_any_pool()
    {
        var service = new ServiceSlot(ConfigText.Load(Pools).Services[0]);
        var us = new RouteKey("US", "NA", null, 0, false);

        MarkUnhealthy(service, "us");
        Assert.Equal("eu", Host(service.Pick(us, out Admission _)));
        MarkUnhealthy(service, "eu");
        Assert.Equal("asia", Host(service.Pick(us, out Admission _)));
        MarkUnhealthy(service, "asia");
        Assert.Equal("global", Host(service.Pick(us, out Admission _))); // beyond the chain: any pool with a routable backend
    }

    [Fact]
    public void Fallback_cycles_and_unknown_pools_are_config_errors()
    {
        var errors = ConfigText.Errors("""
            flowbalance.pools = [
              { id = "a", backends = ["http://a.test"], geo_steering { regions = ["US"], fallback_pool = "b" } }
              { id = "b", backends = ["http://b.test"], geo_steering { regions = ["DE"], fallback_pool = "a" } }
              { id = "c", backends = ["http://c.test"], geo_steering { regions = ["FR"], fallback_pool = "nowhere" } }
            ]
            """);

        Assert.Equal([
            "flowbalance.pools[0].geo_steering.fallback_pool (line 2): fallback pools form a cycle: a -> b -> a",
            "flowbalance.pools[1].geo_steering.fallback_pool (line 3): fallback pools form a cycle: b -> a -> b",
            "flowbalance.pools[2].geo_steering.fallback_pool (line 4): unknown pool 'nowhere' (pools: a, b, c)",
        ], errors);
    }

    [Fact]
    public void A_pool_setting_overrides_the_service_setting_for_its_backends()
    {
        var definition = ConfigText.Load("""
            flowbalance {
              passiveHealthChecks.circuit_breaker.failure_threshold = 5
              pools = [
                { id = "strict", backends = ["http://s.test"], passiveHealthChecks.circuit_breaker.failure_threshold = 1, load_balancer.algorithm = random }
                { id = "plain", backends = ["http://p.test"] }
              ]
            }
            """).Services[0];
        var service = new ServiceSlot(definition);

        Assert.Equal(1, definition.SettingsFor(definition.Backends[0]).CircuitBreaker.FailureThreshold);
        Assert.Equal(5, definition.SettingsFor(definition.Backends[1]).CircuitBreaker.FailureThreshold);
        Assert.Equal(PickAlgorithm.Random, service.Routing.Pools[0].Snapshot.Algorithm);
        Assert.Equal(PickAlgorithm.RoundRobin, service.Routing.Pools[1].Snapshot.Algorithm);
    }

    [Fact]
    public void An_affinity_token_sticks_to_its_backend_while_routable_and_a_forged_one_is_ignored()
    {
        var service = new ServiceSlot(ConfigText.Load("""
            flowbalance.backends = ["http://a.test", "http://b.test", "http://c.test"]
            flowbalance.load_balancer.session_affinity { type = cookie, secret = "0123456789abcdef0123" }
            """).Services[0]);
        var c = service.Backends[2];
        var sticky = new RouteKey(null, null, c.AffinityToken, 0, false);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Same(c, service.Pick(sticky, out Admission _)));
        Assert.DoesNotContain("c.test", c.AffinityToken);
        Assert.Equal(AffinityTokens.For("0123456789abcdef0123", service.Definition.Name, c.Definition.Id), c.AffinityToken); // stable across restarts with a secret

        var forged = new RouteKey(null, null, c.AffinityToken[..^1] + "x", 0, false);
        Assert.Equal(3, Enumerable.Range(0, 30).Select(_ => service.Pick(forged, out Admission _)).Distinct().Count()); // plain round robin

        MarkUnhealthy(service, "c");
        Assert.All(Enumerable.Range(0, 10), _ => Assert.NotSame(c, service.Pick(sticky, out Admission _)));
    }

    private static void MarkUnhealthy(ServiceSlot service, string host)
    {
        var slot = service.Backends.Single(b => b.Definition.Url.Host == $"{host}.test");
        slot.Publish(slot.Current with { Health = BackendHealth.Unhealthy });
        service.Refresh();
    }

    private static string Host(BackendSlot? slot) => slot!.Definition.Url.Host.Split('.')[0];
}

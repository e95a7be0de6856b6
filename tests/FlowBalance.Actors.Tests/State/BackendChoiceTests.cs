using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;

namespace FlowBalance.Actors.Tests.State;

/// <summary>What a pick says about why it chose its backend: method, pool, fallback, affinity, panic and fail open.</summary>
public sealed class BackendChoiceTests
{
    [Fact]
    public void Pick_PlainService_SaysRoundRobinInTheDefaultPool()
    {
        var service = Service("flowbalance.backends = [\"http://a.test\", \"http://b.test\"]");

        Assert.NotNull(service.Pick(RouteKey.None, out _, out var choice));

        Assert.Equal(new BackendChoice("default", null, ChoiceMethod.RoundRobin, ChoiceFlags.None), choice);
    }

    [Fact]
    public void Pick_PoolAlgorithm_IsTheMethod()
    {
        var service = Service("""
            flowbalance.pools = [
              { id = "fast", backends = ["http://a.test"], load_balancer.algorithm = least_outstanding_requests }
              { id = "rest", backends = ["http://b.test"], load_balancer.algorithm = random }
            ]
            """);

        service.Pick(RouteKey.None, out _, out var choice);
        Assert.Equal(("fast", ChoiceMethod.LeastOutstandingRequests), (choice.Pool, choice.Method));
        MarkUnhealthy(service, "a");
        service.Pick(RouteKey.None, out _, out choice);
        Assert.Equal(new BackendChoice("rest", "fast", ChoiceMethod.Random, ChoiceFlags.Fallback), choice);
    }

    [Fact]
    public void Pick_RegionPoolDown_SaysFallbackFromTheRegionsPool()
    {
        var service = Service("""
            flowbalance.pools = [
              { id = "us", backends = ["http://us.test"], geo_steering { regions = ["US"], fallback_pool = "global" } }
              { id = "global", backends = ["http://global.test"] }
            ]
            """);
        var us = new RouteKey("US", "NA", null, 0, false);

        service.Pick(us, out _, out var home);
        Assert.Equal(new BackendChoice("us", null, ChoiceMethod.RoundRobin, ChoiceFlags.Region), home);
        service.Pick(new RouteKey("DE", "EU", null, 0, false), out _, out var other);
        Assert.Equal(new BackendChoice("global", null, ChoiceMethod.RoundRobin, ChoiceFlags.None), other); // the default pool, not by region

        MarkUnhealthy(service, "us");
        service.Pick(us, out _, out var fallback);
        Assert.Equal(new BackendChoice("global", "us", ChoiceMethod.RoundRobin, ChoiceFlags.Region | ChoiceFlags.Fallback), fallback);
    }

    [Fact]
    public void Pick_AffinityCookie_SaysHitMovedOrUnknown()
    {
        var service = Service("""
            flowbalance.backends = ["http://a.test", "http://b.test"]
            flowbalance.load_balancer.session_affinity { type = cookie, secret = "0123456789abcdef0123" }
            """);
        var b = service.Backends[1];

        Assert.Same(b, service.Pick(new RouteKey(null, null, b.AffinityToken, 0, false), out _, out var hit));
        Assert.Equal(new BackendChoice("default", null, ChoiceMethod.AffinityCookie, ChoiceFlags.None), hit);
        service.Pick(new RouteKey(null, null, "forged", 0, false), out _, out var unknown);
        Assert.Equal(new BackendChoice("default", null, ChoiceMethod.RoundRobin, ChoiceFlags.AffinityUnknown), unknown);
        service.Pick(new RouteKey(null, null, b.AffinityToken, 0, false), out _, out var retried, [b]);
        Assert.Equal(new BackendChoice("default", null, ChoiceMethod.RoundRobin, ChoiceFlags.AffinityMoved), retried);
    }

    [Theory]
    [InlineData("header", ChoiceMethod.HeaderHash)]
    [InlineData("ip", ChoiceMethod.IpHash)]
    public void Pick_HashedKey_SaysWhichHashAndMovedWhenTheRingHasNothing(string type, ChoiceMethod method)
    {
        var service = Service($$"""
            flowbalance.backends = ["http://a.test"]
            flowbalance.load_balancer.session_affinity { type = {{type}}, header_name = "X-Session" }
            """);
        var key = new RouteKey(null, null, null, 42, true);

        service.Pick(key, out _, out var hashed);
        Assert.Equal(new BackendChoice("default", null, method, ChoiceFlags.None), hashed);

        MarkUnhealthy(service, "a");
        Assert.NotNull(service.Pick(key, out var admission, out var rescued));
        Assert.Equal(Admission.Rescue, admission);
        Assert.Equal(new BackendChoice("default", null, ChoiceMethod.FailOpen, ChoiceFlags.AffinityMoved), rescued);
    }

    [Fact]
    public void Pick_BelowThePanicThreshold_SaysPanic()
    {
        var service = Service("""
            flowbalance.backends = ["http://a.test", "http://b.test", "http://c.test", "http://d.test"]
            flowbalance.panic_threshold = 50
            """);
        MarkUnhealthy(service, "a");
        MarkUnhealthy(service, "b");
        MarkUnhealthy(service, "c");

        Assert.NotNull(service.Pick(RouteKey.None, out _, out var choice));

        Assert.Equal(ChoiceMethod.Panic, choice.Method);
    }

    [Fact]
    public void Pick_SuspectBackend_SaysTrial()
    {
        var service = Service("flowbalance.backends = [\"http://a.test\"]");
        service.Backends[0].Gate.RecordFailure(Admission.Admitted, Environment.TickCount64);

        Assert.NotNull(service.Pick(RouteKey.None, out var admission, out var choice));

        Assert.Equal(Admission.Trial, admission);
        Assert.Equal(new BackendChoice("default", null, ChoiceMethod.RoundRobin, ChoiceFlags.Trial), choice);
    }

    private static ServiceSlot Service(string config) => new(ConfigText.Load(config).Services[0]);

    private static void MarkUnhealthy(ServiceSlot service, string host)
    {
        var slot = service.Backends.Single(b => b.Definition.Url.Host == $"{host}.test");
        slot.Publish(slot.Current with { Health = BackendHealth.Unhealthy });
        service.Refresh();
    }
}

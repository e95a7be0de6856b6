using System.Net;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;
using FlowBalance.Host.Proxy;
using Microsoft.AspNetCore.Http;

namespace FlowBalance.Host.Tests;

/// <summary>The limiter state: kept across reloads that leave the limit alone, bounded under many client addresses.</summary>
public sealed class RateLimitersTests
{
    [Fact]
    public void For_SameSettingsAfterAReload_KeepsTheBuckets_AChangedLimitStartsNewOnes()
    {
        var limiters = new RateLimiters(new RoutingTableStore());
        var limit = new RateLimitOptions(10, 5, RateLimitOptions.ByIp, null);

        var first = limiters.For("api", limit);
        Assert.Same(first, limiters.For("api", limit with { })); // an equal record from a reloaded file
        Assert.NotSame(first, limiters.For("api", limit with { Burst = 6 }));
        Assert.NotSame(limiters.For("api", limit with { Burst = 6 }), limiters.For("other", limit with { Burst = 6 }));
    }

    [Fact]
    public void TryAcquire_ManyClientAddresses_StaysBoundedAndTheOverflowShareOneBucket()
    {
        var buckets = new ClientBuckets(new RateLimitOptions(1, 2, RateLimitOptions.ByIp, null));
        var context = new DefaultHttpContext();

        for (var i = 0; i < ClientBuckets.MaxClients + 500; i++) buckets.TryAcquire(context, Address(i), out _);

        Assert.InRange(buckets.Count, ClientBuckets.MaxClients - 1, ClientBuckets.MaxClients); // a sweep finds nothing full: each took a token
        // Past the bound, new addresses share the overflow bucket (burst 2, 1/s), which the 500 extra addresses emptied.
        Assert.False(buckets.TryAcquire(context, IPAddress.Parse("192.0.2.1"), out _));
        Assert.True(buckets.TryAcquire(context, IPAddress.Parse("10.0.0.1"), out _)); // a client with its own bucket still has a token
    }

    [Fact]
    public void Sweep_DropsBucketsThatAreFullAgain()
    {
        var buckets = new ClientBuckets(new RateLimitOptions(1_000_000, 1, RateLimitOptions.ByIp, null));
        var context = new DefaultHttpContext();
        for (var i = 0; i < 100; i++) Assert.True(buckets.TryAcquire(context, Address(i), out _));
        Assert.Equal(100, buckets.Count);

        // One token per microsecond: every bucket is full again almost at once, and the sweep (which refills first) drops it.
        Assert.True(SpinWait.SpinUntil(() =>
        {
            buckets.Sweep();
            return buckets.Count == 0;
        }, TimeSpan.FromSeconds(5)), $"{buckets.Count} buckets left");
    }

    [Fact]
    public void TryAcquire_Refused_SaysWhenInWholeSeconds()
    {
        var buckets = new ClientBuckets(new RateLimitOptions(0.25, 1, RateLimitOptions.ByService, null));
        var context = new DefaultHttpContext();

        Assert.True(buckets.TryAcquire(context, null, out _));
        Assert.False(buckets.TryAcquire(context, null, out var retryAfter));
        Assert.Equal("4", retryAfter);
    }

    [Fact]
    public void TryAcquire_Granted_AllocatesNothing()
    {
        var never = new RateLimitOptions(RateLimitOptions.MaxRequestsPerSecond, int.MaxValue, RateLimitOptions.ByIp, null);
        var byIp = new ClientBuckets(never);
        var byHeader = new ClientBuckets(never with { Key = RateLimitOptions.ByHeader, Header = "X-Client" });
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Client"] = "client-42";
        var client = IPAddress.Parse("192.0.2.10");
        var rules = new IpRules(new Actors.Routing.IpRanges([IPNetwork.Parse("192.0.2.0/24")]), new Actors.Routing.IpRanges([IPNetwork.Parse("10.0.0.0/8")]));
        for (var i = 0; i < 100; i++) Assert.True(byIp.TryAcquire(context, client, out _) & byHeader.TryAcquire(context, client, out _) & !rules.Refuses(client));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            byIp.TryAcquire(context, client, out _);
            byHeader.TryAcquire(context, client, out _);
            rules.Refuses(client);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before); // the static successful lease, a struct key, frozen sets
    }

    /// <summary>10.0.0.0 + <paramref name="i"/>.</summary>
    private static IPAddress Address(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
}

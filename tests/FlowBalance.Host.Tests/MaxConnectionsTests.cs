using System.Diagnostics;
using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>max_connections protects a backend from overload: a full backend is skipped, the rest wait in a bounded queue or get a 503 with Retry-After.</summary>
public sealed class MaxConnectionsTests
{
    [Fact]
    public async Task A_full_backend_with_no_queue_turns_the_excess_away_at_once_with_retry_after()
    {
        await using var slow = await TestBackend.StartAsync("slow");
        slow.DelayMs = 1000;
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{slow.Url}}"], activeHealthChecks.enabled = false, max_connections = 2, max_queue = 0 }
            """);
        using var client = balancer.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync("/");
            return (response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Body: await response.Content.ReadAsStringAsync(), watch.ElapsedMilliseconds);
        }));

        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var turnedAway = answers.Where(a => a.StatusCode == HttpStatusCode.ServiceUnavailable).ToArray();
        Assert.Equal(4, turnedAway.Length);
        Assert.All(turnedAway, a =>
        {
            Assert.Equal(TimeSpan.FromSeconds(1), a.RetryAfter);
            Assert.Contains("max_connections", a.Body);
            Assert.True(a.ElapsedMilliseconds < 900, $"turned away after {a.ElapsedMilliseconds} ms"); // not after the 1 s request
        });
        Assert.Equal(2, slow.MaxConcurrent);
        await Eventually.True(() => balancer.Output.Contains("service default turned a request away with 503"), "turning requests away is logged");
    }

    [Fact]
    public async Task Requests_beyond_the_limit_wait_in_the_queue_and_are_all_served()
    {
        await using var slow = await TestBackend.StartAsync("slow");
        slow.DelayMs = 200;
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{slow.Url}}"], activeHealthChecks.enabled = false, max_connections = 2, max_queue = 20, queue_timeout_ms = 10000 }
            """);
        using var client = balancer.CreateClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ => (await client.GetAsync("/")).StatusCode));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(2, slow.MaxConcurrent);
        Assert.Equal(10, slow.Requests);
    }

    [Fact]
    public async Task A_request_that_waits_longer_than_queue_timeout_gets_503()
    {
        await using var slow = await TestBackend.StartAsync("slow");
        slow.DelayMs = 3000;
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{slow.Url}}"], activeHealthChecks.enabled = false, max_connections = 1, queue_timeout_ms = 300 }
            """);
        using var client = balancer.CreateClient();
        var first = client.GetAsync("/");
        await Eventually.True(() => slow.Requests == 1, "the first request holds the only place");

        var watch = Stopwatch.StartNew();
        using var waited = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, waited.StatusCode);
        Assert.Contains("queue_timeout_ms", await waited.Content.ReadAsStringAsync());
        Assert.InRange(watch.ElapsedMilliseconds, 250, 2500);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
    }

    [Fact]
    public async Task A_backend_at_its_own_limit_is_skipped_and_the_others_take_the_rest()
    {
        await using var small = await TestBackend.StartAsync("small");
        await using var big = await TestBackend.StartAsync("big");
        small.DelayMs = big.DelayMs = 300;
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = [{ url = "{{small.Url}}", max_connections = 1 }, "{{big.Url}}"]
              activeHealthChecks.enabled = false
            }
            """);
        using var client = balancer.CreateClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ => (await client.GetAsync("/")).StatusCode));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1, small.MaxConcurrent);
        Assert.True(big.Requests >= 6, $"big served {big.Requests}");
    }
}

using System.Diagnostics;
using System.Net;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests;

/// <summary>rate_limit (429 with Retry-After, per key) and ip_allow / ip_deny (403) through the real host, client addresses through trusted_proxies.</summary>
public sealed class ClientAccessTests(ITestOutputHelper output)
{
    private const string Requests = "/__lb_admin__/api/v1/requests";

    [Fact]
    public async Task RateLimit_HammeredFromOneIp_ServesBurstPlusRateWithinTenPercent()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks.enabled = false
              services = [
                { name = limited, hostname = "limited.test", backends = ["{{backend.Url}}"], rate_limit { requests_per_second = 50, burst = 100 } }
                { name = open, hostname = "open.test", backends = ["{{backend.Url}}"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();
        // Warm up on the unlimited service: 32 connections open and the proxy path compiled, so the 5 s are all load.
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => client.SendAsHost("open.test")));
        var warmUp = backend.Requests;

        // 32 clients hammer for 5 s from 127.0.0.1; the bucket starts full (burst 100) and earns 50 tokens a second.
        // So many that a token never waits for a client, even when a loaded machine answers each request slowly.
        var ok = 0;
        var limited = 0;
        var retryAfters = new System.Collections.Concurrent.ConcurrentBag<TimeSpan?>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            while (watch.Elapsed < TimeSpan.FromSeconds(5))
            {
                using var response = await client.SendAsHost("limited.test");
                if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref ok);
                else if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref limited);
                    retryAfters.Add(response.Headers.RetryAfter?.Delta);
                }
                else Assert.Fail($"unexpected {(int)response.StatusCode}");
            }
        }));
        var elapsed = watch.Elapsed.TotalSeconds;

        // A burst of 2 s of tokens: a loaded machine that stalls this process for up to 2 s (a CI run with burst 10
        // served 169 of 261: a stall wastes what the bucket cannot hold) loses none of the tokens earned meanwhile, so the count is the limiter's.
        var expected = 100 + 50 * elapsed;
        output.WriteLine($"{ok} served, {limited} refused in {elapsed:0.00} s (expected {expected:0} served: burst 100 + 50/s)");
        Assert.InRange(ok, expected * 0.9, expected * 1.1); // the tolerance the issue asks for: 10%
        Assert.True(limited > ok, $"the clients sent more than the limit ({limited} refused)");
        Assert.All(retryAfters, r => Assert.Equal(TimeSpan.FromSeconds(1), r)); // a token is due within 20 ms: rounded up to 1 s
        Assert.Equal(ok, backend.Requests - warmUp);

        var metrics = await client.GetStringAsync("/__lb_admin__/metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("flowbalance_rate_limited_total{", StringComparison.Ordinal) && l.Contains("service=\"limited\""));
        Assert.Equal(limited, (int)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var refused = await AdminApi.Items(client, $"{Requests}?status=429&limit=5");
        Assert.NotEmpty(refused);
        Assert.All(refused, e => Assert.Equal(("rate_limited", "limited"), (e.GetProperty("error").GetString(), e.GetProperty("service").GetString())));
    }

    [Fact]
    public async Task RateLimit_ByHeader_AnotherClientIsUnaffected()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks.enabled = false
              backends = ["{{backend.Url}}"]
              rate_limit { requests_per_second = 1, burst = 3, key = "header:X-Client" }
            }
            """);
        using var client = balancer.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add((await As(client, "alice")).StatusCode);
        using var bob = await As(client, "bob");
        using var aliceAgain = await As(client, "alice");

        Assert.Equal(HttpStatusCode.OK, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 3, 4); // the burst, and at most one token earned meanwhile
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, aliceAgain.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), aliceAgain.Headers.RetryAfter?.Delta);
        Assert.Contains("rate limit", await aliceAgain.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task IpRules_OnTheConnectionsAddress_AllowAndDeny()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks.enabled = false
              ip_deny = ["127.0.0.1"]
              services = [
                { name = denied, hostname = "denied.test", backends = ["{{backend.Url}}"] }
                { name = allowed, hostname = "allowed.test", backends = ["{{backend.Url}}"], ip_deny = [], ip_allow = ["127.0.0.0/8"] }
                { name = elsewhere, hostname = "elsewhere.test", backends = ["{{backend.Url}}"], ip_deny = [], ip_allow = ["10.0.0.0/8", "::1"] }
                { name = both, hostname = "both.test", backends = ["{{backend.Url}}"], ip_allow = ["127.0.0.0/8"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();

        using var denied = await client.SendAsHost("denied.test");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsHost("allowed.test")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsHost("elsewhere.test")).StatusCode); // not on its allow list
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsHost("both.test")).StatusCode);      // deny (the top level's) wins over allow
        Assert.Equal(1, backend.Requests);

        var refused = await AdminApi.Items(client, $"{Requests}?status=403");
        Assert.Equal(3, refused.Count);
        Assert.All(refused, e => Assert.Equal("ip_refused", e.GetProperty("error").GetString()));
        Assert.Contains("flowbalance_ip_refused_total{", await client.GetStringAsync("/__lb_admin__/metrics"));
    }

    [Fact]
    public async Task IpRules_ThroughATrustedProxy_BelieveItsForwardedForAndNotTheClientsOwnHops()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var trusted = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks.enabled = false
              trusted_proxies = ["127.0.0.1"]
              backends = ["{{backend.Url}}"]
              ip_deny = ["10.0.0.0/8"]
            }
            """);
        using var client = trusted.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await Forwarded(client, "10.1.2.3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Forwarded(client, "192.0.2.1")).StatusCode);
        // The client wrote 10.1.2.3 itself; the trusted proxy (127.0.0.1) appended the address it saw.
        Assert.Equal(HttpStatusCode.OK, (await Forwarded(client, "10.1.2.3, 192.0.2.1")).StatusCode);

        // Without trusted_proxies the header proves nothing: the connection's own address decides.
        await using var untrusted = await BalancerProcess.StartAsync($$"""
            flowbalance { activeHealthChecks.enabled = false, backends = ["{{backend.Url}}"], ip_allow = ["10.0.0.0/8"] }
            """);
        using var direct = untrusted.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await Forwarded(direct, "10.1.2.3")).StatusCode);
    }

    private static Task<HttpResponseMessage> As(HttpClient client, string who)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("X-Client", who);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> Forwarded(HttpClient client, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return client.SendAsync(request);
    }
}

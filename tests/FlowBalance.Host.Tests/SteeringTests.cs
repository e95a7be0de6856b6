using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>Geo pools, session affinity and load-aware algorithms, through the real host.</summary>
public sealed class SteeringTests
{
    [Fact]
    public async Task Country_header_steers_US_and_CA_to_the_us_pool_others_to_the_default_and_US_falls_back_when_its_pool_is_down()
    {
        await using var us = await TestBackend.StartAsync("us");
        await using var global = await TestBackend.StartAsync("global");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              pools = [
                { id = "us-pool", backends = ["{{us.Url}}"], geo_steering { regions = ["US", "CA"], fallback_pool = "global-pool" } }
                { id = "global-pool", backends = ["{{global.Url}}"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();

        Assert.Equal("us", await From(client, "US"));
        Assert.Equal("us", await From(client, "ca"));
        Assert.Equal("global", await From(client, "DE"));
        Assert.Equal("global", await From(client, null));

        await us.KillAsync();
        for (var i = 0; i < 20; i++) Assert.Equal("global", await From(client, "US")); // every request answered, by the fallback
    }

    [Fact]
    public async Task A_MaxMind_database_locates_the_client_named_by_a_trusted_proxy_by_country_or_continent()
    {
        await using var na = await TestBackend.StartAsync("na");
        await using var de = await TestBackend.StartAsync("de");
        await using var rest = await TestBackend.StartAsync("rest");
        var database = Path.Combine(Path.GetTempPath(), $"flowbalance-test-{Guid.NewGuid():N}.mmdb");
        MmdbWriter.Write(database, new Dictionary<string, (string, string)>
        {
            ["203.0.113.0/24"] = ("US", "NA"),
            ["198.51.100.0/24"] = ("DE", "EU"),
            ["192.0.2.0/24"] = ("FR", "EU"),
        });
        try
        {
            await using var balancer = await BalancerProcess.StartAsync($$"""
                flowbalance {
                  geo { database = "{{database}}" }
                  trusted_proxies = ["127.0.0.1"]
                  pools = [
                    { id = "north-america", backends = ["{{na.Url}}"], geo_steering { regions = ["NA"] } }
                    { id = "germany", backends = ["{{de.Url}}"], geo_steering { regions = ["DE"] } }
                    { id = "rest", backends = ["{{rest.Url}}"] }
                  ]
                }
                """);
            using var client = balancer.CreateClient();

            Assert.Equal("na", await From(client, country: "DE", forwardedFor: "203.0.113.9")); // the database wins over the header
            Assert.Equal("de", await From(client, forwardedFor: "198.51.100.20"));
            Assert.Equal("rest", await From(client, forwardedFor: "192.0.2.1")); // EU, but only DE is steered
            Assert.Equal("rest", await From(client, forwardedFor: "10.9.9.9")); // not in the database
            // The nearest untrusted hop is the client; what the client wrote to its left is not believed.
            Assert.Equal("de", await From(client, forwardedFor: "203.0.113.9, 198.51.100.20"));
        }
        finally
        {
            File.Delete(database);
        }
    }

    [Fact]
    public async Task Affinity_cookie_keeps_a_client_on_one_backend_moves_it_when_that_one_dies_and_ignores_a_forged_cookie()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        await using var _ = new AsyncDisposables(backends);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = {{TestBackend.HoconList(backends)}}
              load_balancer { session_affinity { type = "cookie", max_age = 3600 } }
            }
            """);
        using var client = balancer.CreateClient();

        var (first, setCookie) = await WithCookie(client, null);
        Assert.NotNull(setCookie);
        Assert.Matches("^lb_session=[A-Za-z0-9_-]{20}; max-age=3600; path=/; samesite=lax; httponly$", setCookie);
        Assert.DoesNotContain("127.0.0.1", setCookie); // the value does not reveal the backend
        var cookie = setCookie!.Split(';')[0];
        for (var i = 0; i < 50; i++)
        {
            var (name, again) = await WithCookie(client, cookie);
            Assert.Equal(first, name);
            Assert.Null(again); // still valid: not rewritten
        }

        await backends.Single(b => b.Name == first).KillAsync();
        var (moved, rewritten) = await WithCookie(client, cookie);
        Assert.NotEqual(first, moved);
        Assert.NotNull(rewritten);
        Assert.NotEqual(cookie, rewritten!.Split(';')[0]);

        var (_, replaced) = await WithCookie(client, "lb_session=forged-value-AAAAAAAAAA");
        Assert.NotNull(replaced); // ignored and replaced, never an error

        // 50 requests stayed with their backend; the moved one and the forged one did not.
        await Eventually.True(async () =>
        {
            var metrics = await client.GetStringAsync("/__lb_admin__/metrics");
            return metrics.Contains("flowbalance_affinity_requests_total{otel_scope_name=\"FlowBalance\",result=\"hit\",service=\"default\"} 50")
                && metrics.Contains("flowbalance_affinity_requests_total{otel_scope_name=\"FlowBalance\",result=\"miss\",service=\"default\"} 2");
        }, "affinity hits and misses are counted");
    }

    [Fact]
    public async Task Header_affinity_keeps_each_session_on_one_backend_and_spreads_sessions()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        await using var _ = new AsyncDisposables(backends);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = {{TestBackend.HoconList(backends)}}
              load_balancer { session_affinity { type = "header", header_name = "X-Session-Id" } }
            }
            """);
        using var client = balancer.CreateClient();

        var homes = new Dictionary<string, string>();
        for (var session = 0; session < 30; session++)
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < 5; i++) seen.Add(await WithHeader(client, "X-Session-Id", $"user-{session}"));
            homes[$"user-{session}"] = Assert.Single(seen);
        }
        Assert.Equal(3, homes.Values.Distinct().Count());
    }

    [Theory]
    [InlineData("least_outstanding_requests")]
    [InlineData("power_of_two_choices")]
    public async Task Load_aware_algorithms_send_less_traffic_to_a_slow_backend_than_round_robin(string algorithm)
    {
        var roundRobin = await SlowShare("round_robin");
        var loadAware = await SlowShare(algorithm);

        Assert.InRange(roundRobin, 0.28, 0.38); // a third, whatever the backend's speed
        Assert.True(loadAware < roundRobin / 2, $"{algorithm} sent {loadAware:P0} to the slow backend, round robin {roundRobin:P0}");
    }

    /// <summary>The share of 240 requests (8 concurrent clients) that reached the one slow backend of three.</summary>
    private static async Task<double> SlowShare(string algorithm)
    {
        var backends = await TestBackend.StartManyAsync("slow", "fast1", "fast2");
        await using var _ = new AsyncDisposables(backends);
        backends[0].DelayMs = 200;
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = {{TestBackend.HoconList(backends)}}
              load_balancer { algorithm = "{{algorithm}}" }
            }
            """);
        using var client = balancer.CreateClient();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 30; i++)
            {
                using var response = await client.GetAsync("/");
                response.EnsureSuccessStatusCode();
            }
        }));
        return (double)backends[0].Requests / backends.Sum(b => b.Requests);
    }

    private static async Task<string> From(HttpClient client, string? country = null, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (country is not null) request.Headers.Add("CF-IPCountry", country);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<(string Backend, string? SetCookie)> WithCookie(HttpClient client, string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadAsStringAsync(), response.Header("Set-Cookie"));
    }

    private static async Task<string> WithHeader(HttpClient client, string header, string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(header, value);
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }
}

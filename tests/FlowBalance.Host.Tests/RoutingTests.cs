using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>End to end: the real host process in front of real Kestrel backends, routing by Host and strategy.</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task Round_robin_spreads_300_requests_evenly()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{a.Url}}", "{{b.Url}}", "{{c.Url}}"] }
            """);
        using var client = balancer.CreateClient();

        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var name = await client.GetStringAsync("/");
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }

        Assert.Equal(new Dictionary<string, int> { ["a"] = 100, ["b"] = 100, ["c"] = 100 }, counts);
    }

    [Fact]
    public async Task Weights_5_1_1_give_the_smooth_sequence()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = [
                {"url": "{{backends[0].Url}}", "weight": 5},
                {"url": "{{backends[1].Url}}", "weight": 1},
                {"url": "{{backends[2].Url}}", "weight": 1}
              ]
            }
            """);
        using var client = balancer.CreateClient();

        var sequence = "";
        for (var i = 0; i < 14; i++) sequence += await client.GetStringAsync("/");

        Assert.Equal("aabacaaaabacaa", sequence);
        foreach (var backend in backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task Host_header_selects_exact_wildcard_or_catch_all_service()
    {
        var backends = await TestBackend.StartManyAsync("api", "files", "wild", "default");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              services = [
                { hostname = "api.myapp.com", backends = ["{{backends[0].Url}}"] }
                { hostname = "files.myapp.com", backends = ["{{backends[1].Url}}"] }
                { hostname = "*.myapp.com", backends = ["{{backends[2].Url}}"] }
                { backends = ["{{backends[3].Url}}"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();

        Assert.Equal("api", await GetAsHost(client, "api.myapp.com"));
        Assert.Equal("api", await GetAsHost(client, "API.MyApp.com:8080"));
        Assert.Equal("files", await GetAsHost(client, "files.myapp.com"));
        Assert.Equal("wild", await GetAsHost(client, "shop.myapp.com"));
        Assert.Equal("default", await GetAsHost(client, "elsewhere.org"));
        foreach (var backend in backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task Unknown_host_gets_404_naming_the_host()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { hostname = "api.myapp.com", backends = ["{{backend.Url}}"] }
            """);
        using var client = balancer.CreateClient();

        using var response = await client.SendAsHost("unknown.example.org");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("No service is configured for host 'unknown.example.org'\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("api", await GetAsHost(client, "api.myapp.com")); // and it keeps serving
    }

    [Fact]
    public async Task A_service_without_backends_answers_503_with_retry_after()
    {
        await using var balancer = await BalancerProcess.StartAsync("flowbalance { backends = [] }");
        using var client = balancer.CreateClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("All backends are down", await response.Content.ReadAsStringAsync());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task Default_backends_variable_defines_the_service()
    {
        var backends = await TestBackend.StartManyAsync("one", "two");
        await using var balancer = await BalancerProcess.StartAsync(
            "flowbalance { demo_backends = 2 }",
            new Dictionary<string, string>
            {
                ["DEFAULT_BACKENDS"] = $$"""{"hostname": "your-public-facing-url", "backends": ["{{backends[0].Url}}", "{{backends[1].Url}}"]}""",
            });
        using var client = balancer.CreateClient();

        var answers = new[] { await GetAsHost(client, "your-public-facing-url"), await GetAsHost(client, "your-public-facing-url") };

        Assert.Equal(["one", "two"], answers);
        Assert.Contains("service your-public-facing-url", balancer.Output);
        Assert.DoesNotContain("demo-backend", balancer.Output); // a real service means no demo backends
        foreach (var backend in backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task The_shipped_hocon_conf_balances_over_two_demo_backends()
    {
        await using var balancer = await BalancerProcess.StartAsync(
            File.ReadAllText(Path.Combine(HostBinary.RepositoryRoot, "hocon.conf")));
        using var client = balancer.CreateClient();

        var first = await client.GetStringAsync("/");
        var second = await client.GetStringAsync("/");

        Assert.StartsWith("Hello from demo-backend-", first);
        Assert.StartsWith("Hello from demo-backend-", second);
        Assert.NotEqual(first, second);
    }

    private static async Task<string> GetAsHost(HttpClient client, string host)
    {
        using var response = await client.SendAsHost(host);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}

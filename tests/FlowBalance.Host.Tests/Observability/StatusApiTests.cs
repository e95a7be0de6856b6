using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The status API: what the request path sees, per service and backend, read from the snapshots.</summary>
public sealed class StatusApiTests
{
    [Fact]
    public async Task Status_shows_each_backend_with_state_breaker_rates_latency_score_and_last_error()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              hostname = "api.test"
              backends = ["{{a.Url}}", { url = "{{b.Url}}", weight = 3 }]
              activeHealthChecks { interval = 1, consecutive_up = 1, consecutive_down = 1 }
              retries = 0
            }
            """);
        using var client = balancer.CreateClient();
        client.DefaultRequestHeaders.Host = "api.test";
        await Eventually.True(() => balancer.Output.Contains($"{b.Url}/ healthy:"), "both are probed");
        for (var i = 0; i < 20; i++) await client.GetStringAsync("/");
        b.FailWith = 503; // a failure status (failure_statuses: 502, 503, 504)
        for (var i = 0; i < 8; i++) await client.GetAsync("/");

        JsonElement backendB = default;
        await Eventually.True(async () =>
        {
            var status = await Status(client);
            backendB = status.GetProperty("services")[0].GetProperty("backends").EnumerateArray().Single(x => x.GetProperty("url").GetString() == $"{b.Url}/");
            return backendB.GetProperty("last_error").ValueKind == JsonValueKind.String;
        }, "the failures reach the status (sampled each second)");

        var root = await Status(client);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("node").GetString()));
        Assert.False(string.IsNullOrEmpty(root.GetProperty("version").GetString()));
        Assert.Equal(1, root.GetProperty("config_revision").GetInt32());
        var service = root.GetProperty("services")[0];
        Assert.Equal(("api.test", "api.test"), (service.GetProperty("name").GetString(), service.GetProperty("hostnames")[0].GetString()));
        var backendA = service.GetProperty("backends").EnumerateArray().Single(x => x.GetProperty("url").GetString() == $"{a.Url}/");
        Assert.Equal(($"127.0.0.1-{a.Port}", "default", 1, "healthy", "closed", "/health"),
            (backendA.GetProperty("id").GetString(), backendA.GetProperty("pool").GetString(), backendA.GetProperty("weight").GetInt32(),
             backendA.GetProperty("state").GetString(), backendA.GetProperty("breaker").GetString(), backendA.GetProperty("health_path").GetString()));
        Assert.True(backendA.GetProperty("rps").GetDouble() > 0);
        Assert.Equal(0, backendA.GetProperty("error_rate").GetDouble());
        Assert.True(backendA.GetProperty("p50_ms").GetDouble() > 0);
        Assert.True(backendA.GetProperty("p99_ms").GetDouble() >= backendA.GetProperty("p50_ms").GetDouble());
        Assert.Equal(0, backendA.GetProperty("in_flight").GetInt64());
        Assert.EndsWith("Z", backendA.GetProperty("last_change").GetString());

        backendB = root.GetProperty("services")[0].GetProperty("backends").EnumerateArray().Single(x => x.GetProperty("url").GetString() == $"{b.Url}/");
        Assert.Equal(3, backendB.GetProperty("weight").GetInt32());
        Assert.StartsWith("status 503 at ", backendB.GetProperty("last_error").GetString());
        Assert.True(backendB.GetProperty("error_rate").GetDouble() > 0);
        Assert.True(backendB.GetProperty("health_score").GetDouble() < backendA.GetProperty("health_score").GetDouble(), "errors lower the score");

        await a.KillAsync();
        await Eventually.True(async () =>
            (await Status(client)).GetProperty("services")[0].GetProperty("backends").EnumerateArray()
                .Single(x => x.GetProperty("url").GetString() == $"{a.Url}/").GetProperty("state").GetString() == "unhealthy",
            "the killed backend is unhealthy in the status");
    }

    private static async Task<JsonElement> Status(HttpClient client)
    {
        using var document = JsonDocument.Parse(await AdminApi.GetStringAsync(client, "/__lb_admin__/api/v1/status"));
        return document.RootElement.Clone();
    }
}

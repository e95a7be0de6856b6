using System.Net;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary><c>/healthz</c> for DNS failover: it names the services with no backend in rotation, and <c>?routable=all</c> fails on any.</summary>
public sealed class HealthzTests
{
    [Fact]
    public async Task Routable_all_fails_while_a_service_has_no_backend_in_rotation()
    {
        await using var up = await TestBackend.StartAsync("up");
        await using var doomed = await TestBackend.StartAsync("doomed");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks { interval = 0.2, timeout = 3, consecutive_down = 1, consecutive_up = 1 } # a killed backend refuses at once
              services = [
                { name = web, hostname = "web.test", backends = ["{{up.Url}}"] }
                { name = api, hostname = "api.test", backends = ["{{doomed.Url}}"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();
        async Task<(HttpStatusCode Status, JsonElement Body)> Check(string query)
        {
            using var response = await client.GetAsync("/__lb_admin__/healthz" + query);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        await Eventually.True(async () => (await Check("?routable=all")).Status == HttpStatusCode.OK, "both services have a backend in rotation");
        await doomed.KillAsync();
        await Eventually.True(async () => (await Check("?routable=all")).Body.GetProperty("unroutable").EnumerateArray().Select(e => e.GetString()).SequenceEqual(["api"]),
            "api, and only api, has no backend in rotation");

        var (strictStatus, strict) = await Check("?routable=all");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unroutable", false), (strictStatus, strict.GetProperty("status").GetString(), strict.GetProperty("ready").GetBoolean()));
        Assert.Equal(["api"], strict.GetProperty("unroutable").EnumerateArray().Select(e => e.GetString()));
        var (plainStatus, plain) = await Check("");
        Assert.Equal((HttpStatusCode.OK, "ok"), (plainStatus, plain.GetProperty("status").GetString())); // the default: the node itself can serve
        Assert.Equal(["api"], plain.GetProperty("unroutable").EnumerateArray().Select(e => e.GetString()));
    }
}

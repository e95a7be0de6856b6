using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>
/// A real Prometheus scraping with a viewer API key (its scrape config's <c>authorization</c>). On loopback a scraper
/// needs no credentials, but one that presents a token must present a good one: so the keyed Prometheus is up, and
/// down with a 401 once the key is revoked, while the one without credentials stays up.
/// </summary>
public sealed class PrometheusKeyTests
{
    private const string Api = "/__lb_admin__/api/v1";
    private const string MetricsPath = "/__lb_admin__/metrics";

    [Fact]
    public async Task Prometheus_scrapes_with_a_viewer_key_is_refused_without_one_and_stops_at_revocation()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();
        using var created = await AdminApi.SendJsonAsync(client, HttpMethod.Post, $"{Api}/keys", """{"name": "prometheus", "role": "viewer"}""");
        var key = await AdminApi.JsonAsync(created);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /keys: {(int)created.StatusCode} {key}");
        var (id, secret) = (key.GetProperty("id").GetString()!, key.GetProperty("key").GetString()!);

        await using var keyed = await PrometheusServer.StartAsync(balancer.BaseAddress, MetricsPath, bearerToken: secret);
        await using var anonymous = await PrometheusServer.StartAsync(balancer.BaseAddress, MetricsPath);

        await Eventually.True(async () => (await keyed.TargetAsync()).Health == "up",
            "Prometheus with the viewer key has the target up", TimeSpan.FromSeconds(30));
        await Eventually.True(async () => (await keyed.QueryAsync("""flowbalance_config_reloads_total{result="success",source="startup"}""")).SingleOrDefault().Value == 1,
            "a FlowBalance series is queryable through Prometheus", TimeSpan.FromSeconds(30));

        await Eventually.True(async () => (await anonymous.TargetAsync()).Health == "up",
            "Prometheus on loopback without credentials has the target up", TimeSpan.FromSeconds(30));

        using var revoked = await AdminApi.DeleteAsync(client, $"{Api}/keys/{id}");
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        // Five bad tokens from one address lock it out (429, LoginThrottle): the first refusals are 401.
        await Eventually.True(async () => await keyed.TargetAsync() is ("down", var error) && error.Contains("HTTP status 401"),
            "Prometheus with the revoked key has the target down with a 401", TimeSpan.FromSeconds(20));
        Assert.Equal("up", (await anonymous.TargetAsync()).Health);
    }
}

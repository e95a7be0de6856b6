using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>Abuse resistance of the admin plane against the real process: token guessing is locked out per client, admin.allow answers only its networks.</summary>
public sealed class AdminAbuseTests
{
    private const string Status = "/__lb_admin__/api/v1/status";

    /// <summary>A request as a client behind the trusted proxy 127.0.0.1 (X-Forwarded-For), with a bearer token or none.</summary>
    private static async Task<HttpResponseMessage> From(HttpClient client, string? forwardedFor, string path, string? bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (bearer is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task Guessing_tokens_locks_that_client_out_and_no_other()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false, trusted_proxies = ["127.0.0.1"] }
            """);
        using var client = balancer.CreateClient();
        const string attacker = "203.0.113.7", colleague = "198.51.100.1";

        for (var i = 0; i < 5; i++)
        {
            using var wrong = await From(client, attacker, Status, $"fbt_guess-{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using var locked = await From(client, attacker, Status, AdminApi.Token); // even the right token, from there, for now
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.InRange(int.Parse(locked.Headers.GetValues("Retry-After").Single()), 1, 30);
        using var form = await From(client, attacker, "/__lb_admin__/login?token=" + AdminApi.Token, null);
        Assert.Equal(HttpStatusCode.TooManyRequests, form.StatusCode);

        using var other = await From(client, colleague, "/__lb_admin__/api/v1/audit", AdminApi.Token);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        var body = await other.Content.ReadAsStringAsync();
        Assert.Contains("\"action\":\"login.locked\"", body);
        Assert.Contains($"\"address\":\"{attacker}\"", body);
        Assert.Contains("locked out for", balancer.Output); // logged once
    }

    [Fact]
    public async Task Admin_allow_answers_only_its_networks_and_believes_forwarded_addresses_only_from_trusted_proxies()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using (var behindProxy = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false, trusted_proxies = ["127.0.0.1"], admin.allow = ["10.0.0.0/8"] }
            """))
        {
            using var client = behindProxy.CreateClient();
            using var inside = await From(client, "10.1.2.3", Status, AdminApi.Token);
            Assert.Equal(HttpStatusCode.OK, inside.StatusCode);
            using var outside = await From(client, "203.0.113.9", Status, AdminApi.Token);
            Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
            Assert.Contains("admin.allow does not include 203.0.113.9", await outside.Content.ReadAsStringAsync());
            using var proxyItself = await From(client, null, Status, AdminApi.Token);
            Assert.Equal(HttpStatusCode.Forbidden, proxyItself.StatusCode);
            using var health = await From(client, "203.0.113.9", "/__lb_admin__/healthz", null);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode); // cloud and DNS health checks come from anywhere
        }

        await using var direct = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false, admin.allow = ["10.0.0.0/8"] }
            """);
        using var spoofing = direct.CreateClient();
        using var spoofed = await From(spoofing, "10.1.2.3", Status, AdminApi.Token); // 127.0.0.1 is no trusted proxy here
        Assert.Equal(HttpStatusCode.Forbidden, spoofed.StatusCode);
        Assert.Equal(0, backend.Requests);
    }
}

using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Edge;

/// <summary>
/// A client that is not in trusted_proxies cannot tell a backend who it is: its X-Forwarded-For is
/// replaced (or, with forwarded_headers = append, kept before the connection's address), its
/// Forwarded and X-Real-IP are removed. A trusted proxy's are passed on.
/// </summary>
public sealed class ForwardedHeadersTests
{
    [Fact]
    public async Task An_untrusted_client_cannot_forge_its_address_and_append_keeps_its_claim_first()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks.enabled = false
              services = [
                { hostname = "replace.test", backends = ["{{backend.Url}}"] }
                { hostname = "append.test", forwarded_headers = append, backends = ["{{backend.Url}}"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();

        var replaced = await Seen(client, "replace.test");
        var appended = await Seen(client, "append.test");
        var plain = await Seen(client, "replace.test", spoof: false);

        Assert.Equal("127.0.0.1", replaced["X-Forwarded-For"]);
        Assert.Equal("203.0.113.7, 127.0.0.1", appended["X-Forwarded-For"]);
        Assert.Equal("127.0.0.1", plain["X-Forwarded-For"]);
        foreach (var seen in new[] { replaced, appended })
        {
            Assert.False(seen.ContainsKey("Forwarded"));
            Assert.False(seen.ContainsKey("X-Real-IP"));
            Assert.Equal("http", seen["X-Forwarded-Proto"]); // never the client's "https"
            Assert.Equal(seen == replaced ? "replace.test" : "append.test", seen["X-Forwarded-Host"]);
        }
    }

    [Fact]
    public async Task A_trusted_proxy_is_believed()
    {
        await using var backend = await TestBackend.StartAsync("api");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { hostname = "api.test", backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false, trusted_proxies = ["127.0.0.1/32"] }
            """);
        using var client = balancer.CreateClient();

        var seen = await Seen(client, "api.test");

        Assert.Equal("203.0.113.7, 127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal("for=203.0.113.7;proto=https", seen["Forwarded"]);
        Assert.Equal("203.0.113.7", seen["X-Real-IP"]);
        Assert.Equal("https", seen["X-Forwarded-Proto"]); // its word on the scheme counts too
    }

    private static async Task<Dictionary<string, string>> Seen(HttpClient client, string host, bool spoof = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Host = host;
        if (spoof)
        {
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            request.Headers.Add("Forwarded", "for=203.0.113.7;proto=https");
            request.Headers.Add("X-Real-IP", "203.0.113.7");
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-Host", "admin.internal");
        }
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return TestBackend.ParseHeaders(await response.Content.ReadAsStringAsync());
    }
}

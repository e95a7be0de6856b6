using System.Net;
using System.Text;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>
/// The security suite's matrix: every admin route × every kind of caller (none, a forged or tampered
/// session cookie, a session without the anti-forgery header on a state-changing route, viewer, operator,
/// admin, a revoked key, an expired key) gets exactly what its role allows, against the real process.
/// </summary>
public sealed class AdminRouteMatrixTests(ITestOutputHelper output)
{
    private const string Admin = "/__lb_admin__";

    private sealed record Route(string Method, string Path, string? Body, string Needs);

    private static async Task<HttpStatusCode> Call(HttpClient client, Route route, string? bearer, string? cookie = null, string? xsrf = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), Admin + route.Path);
        if (bearer is not null) request.Headers.Authorization = new("Bearer", bearer);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (xsrf is not null) request.Headers.Add("X-XSRF-TOKEN", xsrf);
        if (route.Body is not null) request.Content = new StringContent(route.Body, Encoding.UTF8, route.Body.StartsWith('{') ? "application/json" : "text/plain");
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<string> Key(HttpClient client, string role, string? expires = null)
    {
        using var response = await AdminApi.SendJsonAsync(client, HttpMethod.Post, $"{Admin}/api/v1/keys",
            JsonSerializer.Serialize(new { name = $"matrix {role}", role, expires }));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task Every_route_answers_each_kind_of_caller_as_its_role_allows()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();
        var config = await File.ReadAllTextAsync(balancer.ConfigFile);
        var backend = $"/api/v1/services/default/backends/127.0.0.1-{backends[0].Port}";
        Route[] routes =
        [
            new("GET", "/api/v1/status", null, "viewer"), new("GET", "/api/v1/services", null, "viewer"), new("GET", "/api/v1/events", null, "viewer"),
            new("GET", "/api/v1/requests", null, "viewer"), new("GET", "/api/v1/audit", null, "viewer"), new("GET", "/api/v1/config", null, "viewer"),
            new("GET", "/api/v1/config/revisions", null, "viewer"), new("GET", "/api/v1/session", null, "viewer"), new("GET", "/api/v1/openapi.json", null, "viewer"),
            new("GET", backend, null, "viewer"), new("GET", "/api/v1/services/default/history", null, "viewer"),
            new("GET", "/api/v1/config/revisions/1", null, "admin"), new("GET", "/api/v1/config/revisions/1/diff/1", null, "admin"), new("GET", "/api/v1/keys", null, "admin"),
            new("PATCH", backend, """{"weight": 1}""", "operator"), new("DELETE", backend + "/override", null, "operator"),
            new("POST", "/api/v1/config/validate", config, "admin"), new("POST", "/api/v1/keys", """{"name": "made by the matrix", "role": "viewer"}""", "admin"),
        ];
        var viewer = await Key(client, "viewer");
        var operatorKey = await Key(client, "operator");
        var revoked = await Key(client, "admin");
        var revokedId = (await AdminApi.Items(client, $"{Admin}/api/v1/keys")).First(k => k.GetProperty("name").GetString() == "matrix admin").GetProperty("id").GetString();
        using (await AdminApi.DeleteAsync(client, $"{Admin}/api/v1/keys/{revokedId}")) { }
        var expired = await Key(client, "admin", "1s");
        await Eventually.True(async () => await Call(client, routes[0], expired) == HttpStatusCode.Unauthorized, "the expiring key expired");

        var callers = new (string Name, string? Bearer, int Rank)[]
        {
            ("no credentials", null, 0), ("revoked key", revoked, 0), ("expired key", expired, 0), ("forged cookie", null, -1),
            ("viewer", viewer, 1), ("operator", operatorKey, 2), ("admin token", AdminApi.Token, 3),
        };
        int Rank(string role) => role switch { "viewer" => 1, "operator" => 2, _ => 3 };
        var checkedCalls = 0;
        foreach (var route in routes)
        {
            foreach (var (name, bearer, rank) in callers)
            {
                var status = rank < 0
                    ? await Call(client, route, null, cookie: "fb_admin=CfDJ8forged-or-tampered-session-cookie") // not a ticket Data Protection made
                    : await Call(client, route, bearer);
                var expected = rank == 0 || rank < 0 ? HttpStatusCode.Unauthorized : rank < Rank(route.Needs) ? HttpStatusCode.Forbidden : (HttpStatusCode?)null;
                if (expected is { } refused) Assert.True(status == refused, $"{route.Method} {route.Path} as {name}: {(int)status}, expected {(int)refused}");
                else Assert.True((int)status is >= 200 and < 300, $"{route.Method} {route.Path} as {name}: {(int)status}, expected success");
                checkedCalls++;
            }
        }

        // A browser session (the admin token's login, so admin): reads pass; a state-changing call needs the
        // X-XSRF-TOKEN header; the same cookie with one character changed is nobody.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = balancer.BaseAddress };
        using (var login = await browser.GetAsync($"{Admin}/login?token={AdminApi.Token}")) Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        using (await browser.GetAsync($"{Admin}/api/v1/session")) { }
        var adminUri = new Uri(balancer.BaseAddress, Admin + "/");
        var session = cookies.GetCookies(adminUri)["fb_admin"]!.Value;
        var xsrf = cookies.GetCookies(adminUri)["XSRF-TOKEN"]!.Value;
        var tampered = session[..^2] + (session[^2] == 'A' ? 'B' : 'A') + session[^1];
        var all = cookies.GetCookieHeader(adminUri); // the session and the anti-forgery cookie, as the browser sends them
        using var plain = balancer.CreateClient(); // sends only the cookies given per request
        foreach (var route in routes)
        {
            var safe = route.Method == "GET";
            var withSession = await Call(plain, route, null, cookie: all, xsrf: safe ? null : xsrf);
            Assert.True((int)withSession is >= 200 and < 300, $"{route.Method} {route.Path} with the session: {(int)withSession}");
            if (!safe) Assert.Equal(HttpStatusCode.Forbidden, await Call(plain, route, null, cookie: all)); // no anti-forgery header
            Assert.Equal(HttpStatusCode.Unauthorized, await Call(plain, route, null, cookie: all.Replace(session, tampered), xsrf: safe ? null : xsrf));
            checkedCalls += safe ? 2 : 3;
        }
        output.WriteLine($"{checkedCalls} calls checked ({routes.Length} routes × {callers.Length} callers, and a session with and without its anti-forgery header, tampered)");
    }
}

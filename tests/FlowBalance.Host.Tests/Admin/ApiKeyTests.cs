using System.Net;
using System.Text;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>API keys and roles against the real process and its admin.db: made once, shown once, checked on every route, revoked.</summary>
public sealed class ApiKeyTests
{
    private const string Api = "/__lb_admin__/api/v1";

    private static Task<HttpResponseMessage> Send(HttpClient client, string bearer, HttpMethod method, string path, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return client.SendAsync(request);
    }

    private static async Task<(string Id, string Key)> CreateKey(HttpClient client, string json)
    {
        using var response = await Send(client, AdminApi.Token, HttpMethod.Post, $"{Api}/keys", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /keys {json}: {(int)response.StatusCode} {body}");
        var created = JsonDocument.Parse(body).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    private static async Task<HttpStatusCode> Status(HttpClient client, string bearer, HttpMethod method, string path, string? json = null)
    {
        using var response = await Send(client, bearer, method, path, json);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_key_has_its_role_on_every_route_is_shown_once_and_stops_at_revocation()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();
        var backend = $"{Api}/services/default/backends/127.0.0.1-{backends[0].Port}";

        var (viewerId, viewer) = await CreateKey(client, """{"name": "prometheus", "role": "viewer"}""");
        var (_, operatorKey) = await CreateKey(client, """{"name": "deploys", "role": "operator", "expires": "90d"}""");

        Assert.StartsWith("fbk_", viewer);
        Assert.Equal(HttpStatusCode.OK, await Status(client, viewer, HttpMethod.Get, $"{Api}/status"));
        Assert.Equal(HttpStatusCode.OK, await Status(client, viewer, HttpMethod.Get, $"{Api}/config")); // secrets masked there
        Assert.Equal(HttpStatusCode.OK, await Status(client, viewer, HttpMethod.Get, "/__lb_admin__/metrics"));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(client, viewer, HttpMethod.Get, $"{Api}/config/revisions/1")); // the text holds secrets
        Assert.Equal(HttpStatusCode.Forbidden, await Status(client, viewer, HttpMethod.Patch, backend, """{"weight": 2}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(client, viewer, HttpMethod.Post, $"{Api}/keys", """{"name": "x", "role": "admin"}"""));
        Assert.Equal(HttpStatusCode.OK, await Status(client, operatorKey, HttpMethod.Patch, backend, """{"weight": 2}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(client, operatorKey, HttpMethod.Put, $"{Api}/config", """{"text": "flowbalance {}"}"""));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(client, operatorKey, HttpMethod.Get, $"{Api}/keys"));

        var listed = await AdminApi.Items(client, $"{Api}/keys");
        var entry = listed.Single(k => k.GetProperty("id").GetString() == viewerId);
        Assert.False(entry.TryGetProperty("key", out _)); // shown only when made
        Assert.Equal(("prometheus", "viewer", "active", "127.0.0.1"), (entry.GetProperty("name").GetString(), entry.GetProperty("role").GetString(),
            entry.GetProperty("status").GetString(), entry.GetProperty("last_address").GetString()));
        Assert.NotEqual(JsonValueKind.Null, entry.GetProperty("last_used").ValueKind);

        using var revoked = await Send(client, AdminApi.Token, HttpMethod.Delete, $"{Api}/keys/{viewerId}");
        Assert.Equal("revoked", JsonDocument.Parse(await revoked.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, await Status(client, viewer, HttpMethod.Get, $"{Api}/status"));

        var audit = await AdminApi.Items(client, $"{Api}/audit?limit=100");
        var actions = audit.Select(e => e.GetProperty("action").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "key.create", "key.use", "denied", "key.revoke" }, actions);
        var denied = audit.First(e => e.GetProperty("action").GetString() == "denied" && e.GetProperty("target").GetString()!.StartsWith("PATCH", StringComparison.Ordinal));
        Assert.Contains("needs the operator role", denied.GetProperty("result").GetString());
        Assert.StartsWith("key:prometheus", denied.GetProperty("actor").GetString());
        var database = await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(balancer.ConfigFile)!, "state", "admin.db"));
        Assert.DoesNotContain(viewer, Encoding.Latin1.GetString(database)); // only its hash is kept
    }

    [Fact]
    public async Task A_key_expires_and_bad_requests_for_keys_say_what_is_wrong()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();

        var (id, key) = await CreateKey(client, """{"name": "short", "role": "viewer", "expires": "2s"}""");
        Assert.Equal(HttpStatusCode.OK, await Status(client, key, HttpMethod.Get, $"{Api}/status"));
        await Eventually.True(async () => await Status(client, key, HttpMethod.Get, $"{Api}/status") == HttpStatusCode.Unauthorized, "the key expired", TimeSpan.FromSeconds(20));
        Assert.Equal("expired", (await AdminApi.Items(client, $"{Api}/keys")).Single(k => k.GetProperty("id").GetString() == id).GetProperty("status").GetString());

        foreach (var (body, says) in new[]
        {
            ("""{"name": "x", "role": "root"}""", "role"),
            ("""{"role": "viewer"}""", "name is required"),
            ("""{"name": "x", "role": "viewer", "expires": "2020-01-01T00:00:00Z"}""", "in the past"),
            ("""{"name": "x", "role": "viewer", "scope": "all"}""", "unknown field 'scope'"),
        })
        {
            using var response = await Send(client, AdminApi.Token, HttpMethod.Post, $"{Api}/keys", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(says, await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.NotFound, await Status(client, AdminApi.Token, HttpMethod.Delete, $"{Api}/keys/key_nothing"));
    }
}

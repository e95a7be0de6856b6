using System.Net;
using System.Text.Json;
using FlowBalance.Actors.State;
using FlowBalance.Host.Observability;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The request log: the ring itself, then the API's filters, attempts and live tail through the real host.</summary>
public sealed class RequestLogTests
{
    private const string Requests = "/__lb_admin__/api/v1/requests";

    [Fact]
    public void The_ring_keeps_the_newest_entries_and_their_attempts()
    {
        var log = new RequestLog(capacity: 3, includeQuery: false);
        for (var i = 1; i <= 5; i++)
        {
            log.Record($"id{i}", IPAddress.Loopback, "GET", "h", $"/{i}", null, 200, "svc",
                [new AttemptRecord("a", OutcomeKind.ConnectionError, 502, 10, new BackendChoice("p", null, ChoiceMethod.RoundRobin, ChoiceFlags.None)),
                 new AttemptRecord("b", OutcomeKind.Response, 200, 20, new BackendChoice("q", "p", ChoiceMethod.Random, ChoiceFlags.Fallback), RetryCause.ConnectionError)],
                System.Diagnostics.Stopwatch.GetTimestamp(), null, 12, null);
        }
        var recent = log.Recent(10, _ => true);
        Assert.Equal(["id5", "id4", "id3"], recent.Select(e => e.RequestId).ToArray());
        Assert.Equal(("b", 2, OutcomeKind.ConnectionError), (recent[0].Backend, recent[0].Attempts.Length, recent[0].Attempts[0].Outcome));
        Assert.Equal(new BackendChoice("q", "p", ChoiceMethod.Random, ChoiceFlags.Fallback), recent[0].Attempts[1].Choice);
        Assert.Equal("retry after connection error on a; fallback: pool p had no untried routable backend; weighted random in pool q", recent[0].Why(1));
        Assert.Equal(5, log.Written);
        Assert.Single(log.Recent(1, _ => true));
    }

    [Fact]
    public async Task Filters_attempts_and_the_live_tail_through_the_host()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{a.Url}}", "{{b.Url}}"]
              activeHealthChecks.enabled = false
              load_balancer.algorithm = round_robin
              request_log { include_query = true }
            }
            """);
        using var client = balancer.CreateClient();
        for (var i = 0; i < 4; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/ok/{i}?n={i}")).StatusCode);
        a.FailWith = 503; // the next request to a is retried on b
        var retried = new HttpRequestMessage(HttpMethod.Get, "/retried");
        retried.Headers.Add("X-Request-Id", "req-retried-1");
        for (var i = 0; i < 2; i++) await client.SendAsync(i == 0 ? retried : new HttpRequestMessage(HttpMethod.Get, "/retried"));
        a.FailWith = 0;
        await client.PostAsync("/upload", new StringContent("twelve bytes"));

        var all = await AdminApi.Items(client, $"{Requests}?limit=100");
        Assert.Equal(7, all.Count);
        Assert.Equal("/upload", all[0].GetProperty("path").GetString()); // newest first
        Assert.Equal(12, all[0].GetProperty("bytes_in").GetInt64());
        Assert.Equal("POST", all[0].GetProperty("method").GetString());
        Assert.Equal("127.0.0.1", all[0].GetProperty("client").GetString());

        var withRetry = Assert.Single(await AdminApi.Items(client, $"{Requests}?request_id=req-retried-1"));
        var attempts = withRetry.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal(($"127.0.0.1-{a.Port}", 503), (attempts[0].GetProperty("backend").GetString(), attempts[0].GetProperty("status").GetInt32()));
        Assert.Equal(($"127.0.0.1-{b.Port}", 200), (attempts[1].GetProperty("backend").GetString(), attempts[1].GetProperty("status").GetInt32()));
        Assert.Equal(("default", "round_robin", null), (Text(attempts[0], "pool"), Text(attempts[0], "chosen_by"), Text(attempts[0], "retry_after")));
        Assert.Equal(("default", "round_robin", "status"), (Text(attempts[1], "pool"), Text(attempts[1], "chosen_by"), Text(attempts[1], "retry_after")));
        Assert.Equal($"retry after status 503 on 127.0.0.1-{a.Port}; round robin in pool default", Text(attempts[1], "why"));
        Assert.Equal(200, withRetry.GetProperty("status").GetInt32());
        Assert.Equal($"127.0.0.1-{b.Port}", withRetry.GetProperty("backend").GetString());

        Assert.Equal(4, (await AdminApi.Items(client, $"{Requests}?path=/ok/")).Count);
        Assert.Equal("/ok/2?n=2", (await AdminApi.Items(client, $"{Requests}?path=/ok/2")).Single().GetProperty("path").GetString()); // include_query
        Assert.Single(await AdminApi.Items(client, $"{Requests}?method=post"));
        Assert.Empty(await AdminApi.Items(client, $"{Requests}?status=5xx")); // the 503 was retried: the client got 200
        Assert.Equal(7, (await AdminApi.Items(client, $"{Requests}?status=2xx")).Count);
        Assert.True((await AdminApi.Items(client, $"{Requests}?backend=127.0.0.1-{a.Port}")).Count >= 3, "a's attempts, the failed one included");
        Assert.Empty(await AdminApi.Items(client, $"{Requests}?min_duration_ms=60000"));
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminApi.GetAsync(client, $"{Requests}?status=9xx")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminApi.GetAsync(client, $"{Requests}?min_duration_ms=soon")).StatusCode);

        var (stream, reader) = await AdminApi.OpenStreamAsync(client, $"{Requests}?path=/tail");
        using var _ = stream;
        using var __ = reader;
        await client.GetAsync("/not-this-one");
        await client.GetAsync("/tail/1");
        Assert.Equal("/tail/1", (await AdminApi.NextAsync(reader, TimeSpan.FromSeconds(10))).GetProperty("path").GetString());
    }

    [Fact]
    public async Task Each_attempt_says_why_its_backend_was_chosen_round_robin_affinity_retry_and_fallback()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var c = await TestBackend.StartAsync("c");
        // One failure takes a dead backend out at once, and its breaker stays open for the whole test.
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              activeHealthChecks.enabled = false
              passiveHealthChecks.circuit_breaker { failure_threshold = 1, recovery_timeout_ms = 600000 }
              load_balancer { algorithm = round_robin, session_affinity { type = "cookie" } }
              pools = [
                { id = "primary", backends = ["{{a.Url}}", "{{b.Url}}"], geo_steering { regions = ["US"], fallback_pool = "backup" } }
                { id = "backup", backends = ["{{c.Url}}"] }
              ]
            }
            """);
        using var client = balancer.CreateClient();
        string Id(TestBackend backend) => $"127.0.0.1-{backend.Port}";

        // Round robin in the client's region's pool; the answer sets the affinity cookie.
        var (first, cookie) = await SendAsync(client, "why-rr", country: "US");
        var rr = Assert.Single(await AttemptsAsync(client, "why-rr"));
        Assert.Equal(("primary", "round_robin", true), (Text(rr, "pool"), Text(rr, "chosen_by"), rr.GetProperty("by_region").GetBoolean()));
        Assert.Equal((null, null, null, false), (Text(rr, "fallback_from"), Text(rr, "retry_after"), Text(rr, "affinity"), rr.GetProperty("trial").GetBoolean()));
        Assert.Equal("round robin in pool primary (the client's region)", Text(rr, "why"));
        Assert.NotNull(cookie);

        // The same client again, with its cookie: session affinity.
        var (again, _) = await SendAsync(client, "why-sticky", country: "US", cookie);
        Assert.Equal(first, again);
        var sticky = Assert.Single(await AttemptsAsync(client, "why-sticky"));
        Assert.Equal(("primary", "affinity_cookie", "hit", Id(first == "a" ? a : b)), (Text(sticky, "pool"), Text(sticky, "chosen_by"), Text(sticky, "affinity"), Text(sticky, "backend")));
        Assert.False(sticky.GetProperty("by_region").GetBoolean()); // the cookie decides before any region does
        Assert.Equal("session affinity (cookie) in pool primary", Text(sticky, "why"));

        // No region: the default pool, not steered.
        await SendAsync(client, "why-default");
        var unsteered = Assert.Single(await AttemptsAsync(client, "why-default"));
        Assert.Equal(("backup", false, "round robin in pool backup"), (Text(unsteered, "pool"), unsteered.GetProperty("by_region").GetBoolean(), Text(unsteered, "why")));

        // a dies: the request round robin sends there is retried on b (within two requests: a and b take turns).
        await a.KillAsync();
        JsonElement[]? retried = null;
        for (var i = 0; i < 2 && retried is null; i++)
        {
            await SendAsync(client, $"why-retry-{i}", country: "US");
            if (await AttemptsAsync(client, $"why-retry-{i}") is { Length: 2 } attempts) retried = attempts;
        }
        Assert.NotNull(retried);
        Assert.Equal((Id(a), "connection_error", null), (Text(retried[0], "backend"), Text(retried[0], "outcome"), Text(retried[0], "retry_after")));
        Assert.Equal((Id(b), "primary", "round_robin", "connection_error"), (Text(retried[1], "backend"), Text(retried[1], "pool"), Text(retried[1], "chosen_by"), Text(retried[1], "retry_after")));
        Assert.Null(Text(retried[1], "fallback_from"));
        Assert.Equal($"retry after connection error on {Id(a)}; round robin in pool primary (the client's region)", Text(retried[1], "why"));

        // b dies too: its request is retried in the backup pool, and after that the primary pool has nothing, so c is the first choice.
        await b.KillAsync();
        await SendAsync(client, "why-retry-fallback", country: "US");
        var viaRetry = await AttemptsAsync(client, "why-retry-fallback");
        Assert.Equal([Id(b), Id(c)], viaRetry.Select(e => Text(e, "backend")!).ToArray());
        Assert.Equal(("backup", "primary", "connection_error"), (Text(viaRetry[1], "pool"), Text(viaRetry[1], "fallback_from"), Text(viaRetry[1], "retry_after")));
        Assert.Equal($"retry after connection error on {Id(b)}; fallback: pool primary (the client's region) had no untried routable backend; round robin in pool backup",
            Text(viaRetry[1], "why"));

        var (served, _) = await SendAsync(client, "why-fallback", country: "US");
        Assert.Equal("c", served);
        var fallback = Assert.Single(await AttemptsAsync(client, "why-fallback"));
        Assert.Equal(("backup", "round_robin", "primary", null), (Text(fallback, "pool"), Text(fallback, "chosen_by"), Text(fallback, "fallback_from"), Text(fallback, "retry_after")));
        Assert.True(fallback.GetProperty("by_region").GetBoolean()); // the region chose primary; primary had nothing
        Assert.Equal("fallback: pool primary (the client's region) had no routable backend; round robin in pool backup", Text(fallback, "why"));

        // The cookie names a dead backend now: the session moves.
        await SendAsync(client, "why-moved", country: "US", cookie);
        var moved = Assert.Single(await AttemptsAsync(client, "why-moved"));
        Assert.Equal((Id(c), "round_robin", "moved"), (Text(moved, "backend"), Text(moved, "chosen_by"), Text(moved, "affinity")));
        Assert.Equal("fallback: pool primary (the client's region) had no routable backend; round robin in pool backup; the session's backend could not take it", Text(moved, "why"));
    }

    /// <summary>A GET with its own request id (and optionally a country and a cookie); the backend's name and the Set-Cookie pair.</summary>
    private static async Task<(string Backend, string? Cookie)> SendAsync(HttpClient client, string requestId, string? country = null, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/why");
        request.Headers.Add("X-Request-Id", requestId);
        if (country is not null) request.Headers.Add("CF-IPCountry", country);
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.First().Split(';')[0] : null;
        return (await response.Content.ReadAsStringAsync(), setCookie);
    }

    /// <summary>The attempts of request <paramref name="requestId"/>, once the log has it (it is recorded as the request ends).</summary>
    private static async Task<JsonElement[]> AttemptsAsync(HttpClient client, string requestId)
    {
        List<JsonElement> items = [];
        await Eventually.True(async () => (items = await AdminApi.Items(client, $"{Requests}?request_id={requestId}")).Count == 1, $"request {requestId} is in the log");
        return [.. items[0].GetProperty("attempts").EnumerateArray()];
    }

    private static string? Text(JsonElement item, string name) => item.GetProperty(name).GetString();
}

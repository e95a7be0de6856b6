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
                [new AttemptRecord("a", OutcomeKind.ConnectionError, 502, 10), new AttemptRecord("b", OutcomeKind.Response, 200, 20)],
                System.Diagnostics.Stopwatch.GetTimestamp(), null, 12, null);
        }
        var recent = log.Recent(10, _ => true);
        Assert.Equal(["id5", "id4", "id3"], recent.Select(e => e.RequestId).ToArray());
        Assert.Equal(("b", 2, OutcomeKind.ConnectionError), (recent[0].Backend, recent[0].Attempts.Length, recent[0].Attempts[0].Outcome));
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

}

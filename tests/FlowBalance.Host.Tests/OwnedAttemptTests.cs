using System.Net;
using System.Text;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests;

/// <summary>
/// Every attempt to a backend is FlowBalance's own: the HTTP client never re-sends a request by
/// itself, so a backend that dies under load gets at most failure_threshold requests after its death.
/// </summary>
public sealed class OwnedAttemptTests(ITestOutputHelper output)
{
    private static readonly byte[] Ok = RawBackend.Bytes("HTTP/1.1 200 OK\nContent-Length: 2\n\nok");

    [Theory]
    [InlineData(8, false)]
    [InlineData(8, true)]
    [InlineData(32, false)]
    [InlineData(32, true)]
    public async Task A_backend_dying_under_load_gets_at_most_failure_threshold_requests_after_its_death(int clients, bool reset)
    {
        using var a = new RawBackend(_ => Ok);
        using var victim = new RawBackend(_ => Ok);
        using var c = new RawBackend(_ => Ok);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{a.Url}}", "{{victim.Url}}", "{{c.Url}}"]
              activeHealthChecks.enabled = false
              passiveHealthChecks.circuit_breaker { failure_threshold = 3, recovery_timeout_ms = 60000 }
            }
            """);
        using var client = balancer.CreateClient();
        var sent = 0;
        var failures = new List<string>();
        async Task Client()
        {
            while (Interlocked.Increment(ref sent) <= 1500)
            {
                using var response = await client.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK) continue;
                var body = await response.Content.ReadAsStringAsync();
                lock (failures) failures.Add($"{(int)response.StatusCode} {body}");
            }
        }

        var load = Enumerable.Range(0, clients).Select(_ => Task.Run(Client)).ToArray();
        await Eventually.True(() => Volatile.Read(ref sent) >= 400, "400 requests were sent");
        // It dies: keeps its port, reads each request head, then closes (gracefully: the case the HTTP
        // client would re-send by itself) or resets. Every head it reads from now on is counted.
        // CloseAfterAnswer comes first: an empty answer on a connection left open is a hung backend,
        // not a dead one, and a request read between the two writes would wait for a response forever.
        var before = victim.Requests;
        victim.CloseAfterAnswer = true;
        if (reset) victim.ResetAfterHead = true;
        else victim.Respond = _ => [];
        await Task.WhenAll(load);

        // With re-sends this was 20 (8 clients) and 80 (32 clients). What is left is what was already on
        // the wire to it when it died, about a third of the clients (3 backends) and a few racing the first
        // failure: 10 runs alone gave 3-5 with 8 clients (3 in 15 of 20) and 3-12 with 32.
        var afterDeath = victim.Requests - before;
        output.WriteLine($"clients={clients} reset={reset}: {afterDeath} requests after death, {failures.Count} failed");
        Assert.InRange(afterDeath, 0, 3 + clients / 2);
        Assert.True(failures.Count <= afterDeath, $"{failures.Count} failed requests, e.g. {failures.FirstOrDefault()}");
    }

    [Fact]
    public async Task A_backend_that_reads_a_post_body_then_closes_gets_it_once()
    {
        using var dying = new RawBackend(_ => []) { CloseAfterAnswer = true };
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{dying.Url}}"], activeHealthChecks.enabled = false }
            """);
        using var client = balancer.CreateClient();
        // Warm a pooled connection first: the silent re-send only happens on a reused connection.
        dying.Respond = _ => Ok;
        dying.CloseAfterAnswer = false;
        Assert.Equal("ok", await client.GetStringAsync("/warm"));
        dying.Respond = _ => [];
        dying.CloseAfterAnswer = true;

        using var post = await client.PostAsync("/orders", new StringContent("{\"order\": 1}", Encoding.UTF8, "application/json"));
        using var get = await client.GetAsync("/after");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode); // its only backend is gone
        Assert.Equal(1, dying.Heads.Count(h => h.StartsWith("POST /orders", StringComparison.Ordinal)));
        Assert.Equal(1, dying.Heads.Count(h => h.StartsWith("GET /after", StringComparison.Ordinal)));
    }
}

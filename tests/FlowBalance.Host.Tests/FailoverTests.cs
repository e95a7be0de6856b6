using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests;

/// <summary>Real backends die, fail and recover under traffic; clients must not notice.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task A_backend_dying_under_load_costs_no_client_error_and_at_most_failure_threshold_requests()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backends[0].Url}}", "{{backends[1].Url}}", "{{backends[2].Url}}"]
              activeHealthChecks.enabled = false  # passive detection only: nothing else touches the dead port
              passiveHealthChecks.circuit_breaker { failure_threshold = 3, recovery_timeout_ms = 60000 }
            }
            """);
        using var client = balancer.CreateClient();
        var victim = backends[1];
        Tarpit? tarpit = null;
        var sent = 0;
        var failures = new List<string>();

        async Task Client()
        {
            while (Interlocked.Increment(ref sent) <= 2000)
            {
                using var response = await client.GetAsync("/");
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode != HttpStatusCode.OK) lock (failures) failures.Add($"{(int)response.StatusCode} {body}");
            }
        }

        // Three clients: at the moment of death at most three requests can fail at once, which the
        // retry budget's floor of three concurrent retries always covers.
        var clients = Enumerable.Range(0, 3).Select(i => Task.Run(Client)).ToArray();
        await Eventually.True(() => Volatile.Read(ref sent) >= 500, "500 requests were sent");
        await victim.KillAsync();
        tarpit = new Tarpit(victim.Port); // from its death on the port accepts and resets: every attempt is counted, re-sends included
        await Task.WhenAll(clients);

        Assert.True(failures.Count == 0, $"{failures.Count} failed requests, e.g. {failures.FirstOrDefault()}; balancer output:\n{balancer.Output}");
        Assert.InRange(tarpit.Connections, 0, 3);
        Assert.InRange(backends[0].Requests + backends[2].Requests, 1400, 2000);
        tarpit.Dispose();
        await backends[0].DisposeAsync();
        await backends[2].DisposeAsync();
    }

    [Fact]
    public async Task The_breaker_opens_after_exactly_failure_threshold_failures_and_traffic_returns_through_a_half_open_trial()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backends[0].Url}}", "{{backends[1].Url}}"]
              activeHealthChecks.enabled = false
              slow_start_ms = 0
              passiveHealthChecks.circuit_breaker {
                failure_threshold = 3
                recovery_timeout_ms = 1500
                failure_statuses = [500, 502, 503, 504]
              }
            }
            """);
        using var client = balancer.CreateClient();
        backends[0].FailWith = 500;

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await client.GetAsync("/");
            statuses.Add(response.StatusCode);
        }
        var opened = Stopwatch.StartNew();

        // While another backend is routable, exactly failure_threshold failures open the breaker.
        Assert.Equal([3, 9], backends.Select(b => b.Requests));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.InternalServerError));
        Assert.Equal(9, statuses.Count(s => s == HttpStatusCode.OK));

        backends[0].FailWith = 0;
        await Eventually.True(async () => await client.GetStringAsync("/") == "a", "traffic returns to the backend that failed");

        Assert.True(opened.Elapsed >= TimeSpan.FromMilliseconds(1500 * 0.9 - 200), $"traffic returned after {opened.ElapsedMilliseconds} ms");
        await Eventually.True(async () =>
        {
            var names = new HashSet<string>();
            for (var i = 0; i < 4; i++) names.Add(await client.GetStringAsync("/"));
            return names.SetEquals(["a", "b"]);
        }, "both backends are back in rotation");
        Assert.Contains("breaker open:", balancer.Output);
        Assert.Contains("breaker half-open", balancer.Output);
        Assert.Contains("breaker closed: trial request succeeded", balancer.Output);
        foreach (var backend in backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task Health_paths_are_discovered_and_a_failing_health_endpoint_takes_a_backend_out_and_back()
    {
        await using var healthz = await TestBackend.StartAsync("healthz", health: ["/healthz"]);
        await using var status = await TestBackend.StartAsync("status", health: ["/status"]);
        await using var none = await TestBackend.StartAsync("none", health: []);
        await using var flaky = await TestBackend.StartAsync("flaky", health: ["/health"]);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{healthz.Url}}", "{{status.Url}}", "{{none.Url}}", "{{flaky.Url}}"]
              slow_start_ms = 0
              activeHealthChecks { interval = 0.2, timeout = 1, consecutive_up = 3, consecutive_down = 2 }
            }
            """);
        using var client = balancer.CreateClient();

        await Eventually.True(() => balancer.Output.Contains($"{healthz.Url}/ health endpoint /healthz discovered: /healthz answered 200"), "/healthz is discovered");
        await Eventually.True(() => balancer.Output.Contains($"{status.Url}/ health endpoint /status discovered: /status answered 200"), "/status is discovered");
        await Eventually.True(() => balancer.Output.Contains($"{none.Url}/ no health endpoint found"), "the backend without endpoint is reported");
        await Eventually.True(() => flaky.Probes >= 1, "the flaky backend is probed");

        flaky.HealthStatus = 500;
        await Eventually.True(() => balancer.Output.Contains($"{flaky.Url}/ unhealthy:"), "the flaky backend leaves rotation");
        Assert.True(flaky.FailedProbes >= 2, $"left after {flaky.FailedProbes} failed probes");
        var before = flaky.Requests;
        for (var i = 0; i < 20; i++) Assert.NotEqual("flaky", await client.GetStringAsync("/"));
        Assert.Equal(before, flaky.Requests);

        var failedProbes = flaky.FailedProbes;
        var probesBeforeRecovery = flaky.Probes;
        flaky.HealthStatus = 200;
        await Eventually.True(() => balancer.Output.Occurrences($"{flaky.Url}/ healthy:") == 2, "the flaky backend returns");
        Assert.True(flaky.Probes - probesBeforeRecovery - (flaky.FailedProbes - failedProbes) >= 3, "returned after consecutive_up good probes");
        await Eventually.True(async () => await client.GetStringAsync("/") == "flaky", "traffic reaches it again");
    }

    [Fact]
    public async Task A_small_post_is_retried_on_connect_failure_and_a_large_streamed_put_is_never_duplicated()
    {
        await using var live = await TestBackend.StartAsync("live");
        await using var other = await TestBackend.StartAsync("other");
        var dead = Ports.Refusing();
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance.services = [
              { hostname = "post.test", backends = ["http://127.0.0.1:{{dead}}", "{{live.Url}}"], activeHealthChecks.enabled = false }
              { hostname = "put.test", backends = ["{{live.Url}}", "{{other.Url}}"], activeHealthChecks.enabled = false }
            ]
            """);
        using var client = balancer.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            var post = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new ByteArrayContent(new byte[1000]) };
            post.Headers.Host = "post.test";
            using var response = await client.SendAsync(post);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("1000 ", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(4, live.Uploads);

        live.FailWith = 503;
        other.FailWith = 503;
        var put = new HttpRequestMessage(HttpMethod.Put, "/upload") { Content = new StreamContent(new MemoryStream(new byte[2 * 1024 * 1024]).AsUnbuffered()) };
        put.Headers.Host = "put.test";
        put.Headers.TransferEncodingChunked = true;
        using var failed = await client.SendAsync(put);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal(1, live.Uploads - 4 + other.Uploads);
    }

    [Fact]
    public async Task With_every_backend_dead_clients_get_503_within_the_connection_timeout()
    {
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["http://127.0.0.1:{{Ports.Refusing()}}", "http://127.0.0.1:{{Ports.Refusing()}}"]
              connection_error_handling.connection_timeout_ms = 2000
            }
            """);
        using var client = balancer.CreateClient();

        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync("/");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("All backends are down", await response.Content.ReadAsStringAsync());
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(2000 + 1000), $"took {watch.ElapsedMilliseconds} ms");
        }
    }

    [Fact]
    public async Task A_503_with_retry_after_is_retried_elsewhere_and_that_backend_is_left_alone_meanwhile()
    {
        var backends = await TestBackend.StartManyAsync("busy", "calm");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backends[0].Url}}", "{{backends[1].Url}}"]
              activeHealthChecks.enabled = false
            }
            """);
        using var client = balancer.CreateClient();
        backends[0].FailWith = 503;
        backends[0].RetryAfterSeconds = 30;

        for (var i = 0; i < 10; i++) Assert.Equal("calm", await client.GetStringAsync("/"));

        Assert.Equal(1, backends[0].Requests); // asked once, told to wait 30 s, and left alone
        foreach (var backend in backends) await backend.DisposeAsync();
    }

    [Fact]
    public async Task A_502_503_504_is_retried_at_most_retries_times_then_passed_to_the_client()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backends[0].Url}}", "{{backends[1].Url}}", "{{backends[2].Url}}"]
              activeHealthChecks.enabled = false
              retries = 1
            }
            """);
        using var client = balancer.CreateClient();
        foreach (var backend in backends) backend.FailWith = 503;

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.EndsWith("failing", await response.Content.ReadAsStringAsync()); // the last backend's own answer
        Assert.Equal(2, backends.Sum(b => b.Requests)); // the first attempt and one retry
        foreach (var backend in backends) await backend.DisposeAsync();
    }
}

using System.Diagnostics;
using System.Net;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests;

/// <summary>Nothing routable: fail open, one rescue request per backend, everyone else a 503 at once.</summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_full_outage_a_restarted_backend_serves_at_once_with_the_default_timings()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        var ports = backends.Select(b => b.Port).ToArray();
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = {{TestBackend.HoconList(backends)}} }
            """);
        using var client = balancer.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        foreach (var backend in backends) await backend.KillAsync();
        for (var i = 0; i < 8; i++)
        {
            using var down = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        }
        await Eventually.True(() => balancer.Output.Occurrences("breaker open:") == 2, "both breakers are open");

        await using var back = await TestBackend.StartAsync("b-again", port: ports[1]);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/");
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.OK, statuses);
        await Eventually.True(() => balancer.Output.Contains("breaker closed: a request succeeded while no backend of the service was routable"), "the rescued backend is back");
        for (var i = 0; i < 10; i++) Assert.Equal("b-again", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_hung_backend_holds_one_request_and_everyone_else_gets_503_at_once()
    {
        var refusing = Ports.Refusing();
        using var silent = new RawBackend(_ => null); // accepts, reads, never answers
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["http://127.0.0.1:{{refusing}}", "{{silent.Url}}"]
              activeHealthChecks { path = "/health", interval = 0.5, timeout = 0.3, consecutive_down = 2 }
            }
            """);
        await Eventually.True(() => balancer.Output.Occurrences("/ unhealthy: ") == 2, "both backends failed their probes");
        using var client = balancer.CreateClient();
        // The test's own 16 loops must not wait on its thread pool's injection (0.5 s steps on 2 cores):
        // that would be measured as the balancer's latency.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);

        using var window = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var started = Stopwatch.StartNew();
        var answered = new List<(HttpStatusCode Status, double At, double Ms)>();
        async Task Client()
        {
            while (!window.IsCancellationRequested)
            {
                var at = started.Elapsed.TotalMilliseconds;
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await client.GetAsync("/", window.Token);
                    lock (answered) answered.Add((response.StatusCode, at, watch.Elapsed.TotalMilliseconds));
                }
                catch (OperationCanceledException)
                {
                    return; // the window closed (the one request held by the silent backend ends here)
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(Client)));

        Assert.True(answered.Count > 100, $"only {answered.Count} answers");
        Assert.All(answered, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        // The first requests of both processes pay for the JIT and for new connections (about 100 ms with
        // 16 at once on 2 cores, wrk sees the same); from the second second on, every 503 is the warm path.
        var cold = answered.Where(a => a.At < 1000).Select(a => a.Ms).DefaultIfEmpty().Max();
        var warm = answered.Where(a => a.At >= 1000).Select(a => a.Ms).Order().ToArray();
        output.WriteLine($"{answered.Count} answers; first second: max {cold:0.0} ms; after it: {warm.Length}, median {warm[warm.Length / 2]:0.0} ms, p99 {warm[warm.Length * 99 / 100]:0.0} ms, max {warm[^1]:0.0} ms; silent backend held at most {silent.MaxHeld}");
        Assert.True(cold < 1000, $"a 503 in the first second took {cold:0} ms");
        // "At once" against a hold of the whole 10 s window: 300 ms leaves room for a GC pause or a busy
        // neighbour on a shared 2-core machine (130-175 ms seen there), and still fails any request that waited on the silent backend.
        Assert.True(warm[^1] < 300, $"a 503 took {warm[^1]:0} ms (median {warm[warm.Length / 2]:0.#} ms of {warm.Length})");
        Assert.Equal(1, silent.MaxHeld); // the rescue in flight, never more
    }

    [Fact]
    public async Task A_backend_that_cannot_be_reached_with_no_retry_left_is_a_503_not_a_bad_answer()
    {
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["http://127.0.0.1:{{Ports.Refusing()}}", "http://127.0.0.1:{{Ports.Refusing()}}"]
              retries = 0
              connection_error_handling.max_connection_retries = 0
            }
            """);
        using var client = balancer.CreateClient();

        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
        }
    }

    [Fact]
    public async Task A_backend_out_of_rotation_is_probed_at_the_unhealthy_interval()
    {
        await using var flaky = await TestBackend.StartAsync("flaky", health: ["/health"]);
        await using var other = await TestBackend.StartAsync("other");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{flaky.Url}}", "{{other.Url}}"]
              activeHealthChecks { interval = 1, consecutive_down = 1, unhealthy_interval = 0.1 }
            }
            """);
        await Eventually.True(() => flaky.Probes >= 1, "the flaky backend is probed");
        flaky.HealthStatus = 500;
        await Eventually.True(() => balancer.Output.Contains($"{flaky.Url}/ unhealthy:"), "the flaky backend leaves rotation");

        var before = flaky.Probes;
        var watch = Stopwatch.StartNew();
        await Eventually.True(() => flaky.Probes >= before + 5, "five more probes");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"five probes took {watch.ElapsedMilliseconds} ms at a 1 s interval"); // at 1 s they would take 5 s
    }
}

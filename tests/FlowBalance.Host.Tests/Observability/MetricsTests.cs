using System.Diagnostics;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The metrics endpoint scraped by a real Prometheus, checked by promtool, and closed to strangers.</summary>
public sealed class MetricsTests
{
    private const string MetricsPath = "/__lb_admin__/metrics";

    [Theory]
    [InlineData("127.0.0.1", "", true)]
    [InlineData("::1", "", true)]
    [InlineData("::ffff:127.0.0.1", "", true)]
    [InlineData("10.1.2.3", "", false)]
    [InlineData("10.1.2.3", "10.0.0.0/8", true)]
    [InlineData("192.168.1.5", "10.0.0.0/8", false)]
    public void Only_loopback_and_allowed_ranges_may_scrape(string peer, string allow, bool allowed)
    {
        var options = FlowBalance.Actors.Configuration.MetricsOptions.Default with
        {
            Allow = allow.Length == 0 ? [] : [System.Net.IPNetwork.Parse(allow)],
        };
        Assert.Equal(allowed, FlowBalance.Host.Observability.MetricsAccess.Allowed(System.Net.IPAddress.Parse(peer), options));
    }

    [Fact]
    public async Task Prometheus_sees_exact_per_backend_counts_and_a_killed_backend_go_unhealthy()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = [{ url = "{{a.Url}}", weight = 2 }, { url = "{{b.Url}}", weight = 1 }]
              activeHealthChecks { interval = 1, consecutive_up = 1, consecutive_down = 1 }
            }
            """);
        await using var prometheus = await PrometheusServer.StartAsync(balancer.BaseAddress, MetricsPath);
        using var client = balancer.CreateClient();

        var sent = new Dictionary<string, int> { ["a"] = 0, ["b"] = 0 };
        for (var i = 0; i < 30; i++) sent[await client.GetStringAsync("/")]++;
        Assert.Equal(30, sent["a"] + sent["b"]);
        Assert.True(sent["a"] > sent["b"], "weight 2 gets more");

        var ids = new Dictionary<string, string> { [$"127.0.0.1-{a.Port}"] = "a", [$"127.0.0.1-{b.Port}"] = "b" };
        Dictionary<string, double> counted = [];
        await Eventually.True(async () =>
        {
            counted = (await prometheus.QueryAsync("""sum by (backend) (flowbalance_backend_request_duration_seconds_count{service="default",attempt="first"})"""))
                .ToDictionary(s => ids[s.Labels["backend"]], s => s.Value);
            return counted.GetValueOrDefault("a") == sent["a"] && counted.GetValueOrDefault("b") == sent["b"];
        }, $"Prometheus counts what the client sent ({string.Join(", ", sent)}), exactly, per backend", TimeSpan.FromSeconds(20));
        var edge = await prometheus.QueryAsync("""sum(flowbalance_request_duration_seconds_count{service="default",code="200"})""");
        Assert.Equal(30, Assert.Single(edge).Value);

        var bId = ids.Single(p => p.Value == "b").Key;
        Assert.Equal(1, Assert.Single(await prometheus.QueryAsync($$"""flowbalance_backend_state{backend="{{bId}}",state="healthy"}""")).Value);
        await b.KillAsync();
        await Eventually.True(async () =>
            (await prometheus.QueryAsync($$"""flowbalance_backend_state{backend="{{bId}}",state="unhealthy"}""")).SingleOrDefault().Value == 1,
            "the killed backend's unhealthy series is 1", TimeSpan.FromSeconds(20));
        Assert.Equal(0, Assert.Single(await prometheus.QueryAsync($$"""flowbalance_backend_state{backend="{{bId}}",state="healthy"}""")).Value);
        Assert.Equal(1, Assert.Single(await prometheus.QueryAsync("""flowbalance_config_reloads_total{result="success",source="startup"}""")).Value);
    }

    [Fact]
    public async Task Metrics_are_pushed_to_an_otlp_collector_when_one_is_configured()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var a = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{a.Url}}"]
              metrics { otlp_endpoint = "{{collector.Url}}", otlp_protocol = http }
            }
            """, new Dictionary<string, string> { ["OTEL_METRIC_EXPORT_INTERVAL"] = "500" });
        using var client = balancer.CreateClient();
        for (var i = 0; i < 5; i++) await client.GetStringAsync("/");

        await Eventually.True(() => collector.Exports.Any(e => System.Text.Encoding.UTF8.GetString(e.Body).Contains("flowbalance.backend.request.duration")),
            "an export carries the attempt histogram", TimeSpan.FromSeconds(15));
        Assert.All(collector.Exports, e => Assert.Equal(("/v1/metrics", "application/x-protobuf"), (e.Path, e.ContentType)));
    }

    [Fact]
    public async Task The_exposition_passes_promtool_and_admin_paths_are_never_forwarded()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{a.Url}}"], retries = 1, activeHealthChecks { interval = 1, consecutive_up = 1 } }
            """);
        using var client = balancer.CreateClient();
        await Eventually.True(() => balancer.Output.Contains("healthy: /health answered 200"), "a probe ran");
        a.FailWith = 503; // answers, and the retry counter gets a series too
        for (var i = 0; i < 5; i++) await client.GetAsync("/x");
        a.FailWith = 0;
        for (var i = 0; i < 5; i++) await client.GetStringAsync("/x");

        var exposition = await client.GetStringAsync(MetricsPath);
        foreach (var name in new[] { "flowbalance_backend_request_duration_seconds_bucket", "flowbalance_backend_state", "flowbalance_breaker_state",
                     "flowbalance_config_reloads_total", "flowbalance_backend_active_requests", "flowbalance_health_check_duration_seconds_bucket", "dotnet_gc_collections_total", "process_cpu_time_seconds_total" })
        {
            Assert.Contains(name, exposition);
        }
        Assert.Contains("le=\"0.001\"", exposition);
        Assert.Contains("le=\"10\"", exposition);

        var promtool = Process.Start(new ProcessStartInfo("/usr/bin/promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        await promtool.StandardInput.WriteAsync(exposition);
        promtool.StandardInput.Close();
        var problems = await promtool.StandardError.ReadToEndAsync() + await promtool.StandardOutput.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: {problems}");

        var before = a.Requests;
        var unknown = await AdminApi.GetAsync(client, "/__lb_admin__/nothing-here");
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Equal(before, a.Requests); // not forwarded
    }
}

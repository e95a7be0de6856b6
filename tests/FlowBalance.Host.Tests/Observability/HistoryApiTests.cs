using System.Net;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The metrics history through the real host: traffic in, points out of <c>/services/{name}[/backends/{id}]/history</c>.</summary>
public sealed class HistoryApiTests
{
    private const string Services = "/__lb_admin__/api/v1/services";

    [Fact]
    public async Task History_of_a_service_and_its_backends_follows_the_traffic()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        b.FailWith = 503;
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              hostname = "api.test"
              backends = ["{{a.Url}}", "{{b.Url}}"]
              activeHealthChecks.enabled = false
              # b fails every request and stays in rotation: its failures are the errors of the history.
              passiveHealthChecks.circuit_breaker { failure_threshold = 10000, error_rate_min_requests = 1000000 }
              load_balancer.algorithm = round_robin
              retries = 0
            }
            """, new Dictionary<string, string> { ["FLOWBALANCE_HISTORY_STEP_MS"] = "250" });
        using var client = balancer.CreateClient();
        client.DefaultRequestHeaders.Host = "api.test";
        var (idA, idB) = ($"127.0.0.1-{a.Port}", $"127.0.0.1-{b.Port}");

        JsonElement service = default, backendA = default, backendB = default;
        await Eventually.True(async () =>
        {
            for (var i = 0; i < 4; i++) await client.GetAsync("/");
            service = await History(client, $"{Services}/api.test/history");
            backendA = await History(client, $"{Services}/api.test/backends/{idA}/history");
            backendB = await History(client, $"{Services}/api.test/backends/{idB}/history");
            return Items(service).Any(p => p.GetProperty("rps").GetDouble() > 0 && p.GetProperty("errors_per_s").GetDouble() > 0)
                && Items(backendA).Any(p => p.GetProperty("p50_ms").ValueKind == JsonValueKind.Number)
                && Items(backendB).Any(p => p.GetProperty("errors_per_s").GetDouble() > 0);
        }, "a step with traffic and errors is in the history");

        Assert.Equal(0.25, service.GetProperty("step_s").GetDouble());
        var times = Items(service).Select(p => DateTimeOffset.Parse(p.GetProperty("time").GetString()!)).ToList();
        Assert.Equal(times.Order(), times);
        Assert.All(Items(backendA), p => Assert.Equal(0, p.GetProperty("errors_per_s").GetDouble()));
        var answered = Items(backendA).First(p => p.GetProperty("p50_ms").ValueKind == JsonValueKind.Number);
        Assert.True(answered.GetProperty("p99_ms").GetDouble() >= answered.GetProperty("p50_ms").GetDouble());
        // Every point is the step that ended at its time, the same steps for every series: the service's is the sum of its backends'.
        var byTime = Items(backendB).ToDictionary(p => p.GetProperty("time").GetString()!);
        var sums = 0;
        foreach (var pointA in Items(backendA))
        {
            var time = pointA.GetProperty("time").GetString()!;
            if (!byTime.TryGetValue(time, out var pointB) || Items(service).FirstOrDefault(p => p.GetProperty("time").GetString() == time) is not { ValueKind: JsonValueKind.Object } total) continue;
            // Each value is rounded to 3 decimals on its own (and kept as a float): a sum may differ in the last digits.
            Assert.Equal(pointA.GetProperty("rps").GetDouble() + pointB.GetProperty("rps").GetDouble(), total.GetProperty("rps").GetDouble(), tolerance: 0.01);
            Assert.Equal(pointB.GetProperty("errors_per_s").GetDouble(), total.GetProperty("errors_per_s").GetDouble(), tolerance: 0.01);
            sums++;
        }
        Assert.True(sums > 0, "no step common to the service and both backends");

        using var unknown = await AdminApi.GetAsync(client, $"{Services}/nothing.test/history");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var unknownBackend = await AdminApi.GetAsync(client, $"{Services}/api.test/backends/nothing/history");
        Assert.Equal(HttpStatusCode.NotFound, unknownBackend.StatusCode);
        using var post = await AdminApi.PostAsync(client, $"{Services}/api.test/history");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    private static Task<JsonElement> History(HttpClient client, string path) => AdminApi.GetJsonAsync(client, path);

    private static IEnumerable<JsonElement> Items(JsonElement history) => history.GetProperty("items").EnumerateArray();
}

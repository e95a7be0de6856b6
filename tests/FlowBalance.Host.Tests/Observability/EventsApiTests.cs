using System.Net;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The recent events as JSON with filters, and as a live stream (server-sent events).</summary>
public sealed class EventsApiTests
{
    private const string Events = "/__lb_admin__/api/v1/events";

    [Fact]
    public async Task Recent_events_come_newest_first_filtered_and_a_bad_filter_is_a_400_problem()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{a.Url}}"], activeHealthChecks { interval = 1, consecutive_up = 1 } }
            """);
        using var client = balancer.CreateClient();
        await Eventually.True(() => balancer.Output.Contains("healthy: /health answered 200"), "the backend is probed");

        var all = await AdminApi.Items(client, Events);
        Assert.Equal(["backend.up", "health_path.discovered", "config.applied"], all.Select(e => e.GetProperty("type").GetString()!).ToArray());
        var times = all.Select(e => DateTimeOffset.Parse(e.GetProperty("time").GetString()!)).ToArray();
        Assert.Equal(times.OrderDescending(), times);
        var up = all[0];
        Assert.Equal(("default", $"127.0.0.1-{a.Port}", $"{a.Url}/", "unknown", "healthy"),
            (up.GetProperty("service").GetString(), up.GetProperty("backend").GetString(), up.GetProperty("url").GetString(),
             up.GetProperty("from").GetString(), up.GetProperty("to").GetString()));
        Assert.Equal(JsonValueKind.Null, all[2].GetProperty("backend").ValueKind); // config.applied is about no backend
        Assert.EndsWith("Z", up.GetProperty("time").GetString());

        Assert.Equal(["config.applied"], (await AdminApi.Items(client, $"{Events}?type=config.applied")).Select(e => e.GetProperty("type").GetString()!).ToArray());
        Assert.Equal(2, (await AdminApi.Items(client, $"{Events}?type=backend.up,health_path.discovered")).Count);
        Assert.Single(await AdminApi.Items(client, $"{Events}?limit=1"));
        Assert.Empty(await AdminApi.Items(client, $"{Events}?since=2999-01-01T00:00:00Z"));
        Assert.Empty(await AdminApi.Items(client, $"{Events}?service=other"));

        var bad = await AdminApi.GetAsync(client, $"{Events}?type=backend.sideways");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        Assert.Contains("unknown event type 'backend.sideways'", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminApi.GetAsync(client, $"{Events}?limit=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await AdminApi.GetAsync(client, $"{Events}?since=yesterday")).StatusCode);
        Assert.Equal("a", await client.GetStringAsync("/")); // still serving
    }

    [Fact]
    public async Task The_live_stream_delivers_matching_events_as_they_happen()
    {
        await using var a = await TestBackend.StartAsync("a");
        await using var b = await TestBackend.StartAsync("b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{a.Url}}", "{{b.Url}}"], activeHealthChecks { interval = 1, consecutive_up = 1, consecutive_down = 1 } }
            """);
        using var client = balancer.CreateClient();
        await Eventually.True(() => balancer.Output.Contains($"{b.Url}/ healthy:"), "b is probed");

        var (response, reader) = await AdminApi.OpenStreamAsync(client, $"{Events}?type=backend.down");
        using var _ = response;
        using var __ = reader;
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        await b.KillAsync();
        var down = await AdminApi.NextAsync(reader, TimeSpan.FromSeconds(20));
        Assert.Equal(("backend.down", $"{b.Url}/", "healthy", "unhealthy"),
            (down.GetProperty("type").GetString(), down.GetProperty("url").GetString(), down.GetProperty("from").GetString(), down.GetProperty("to").GetString()));
    }

}

using System.Net;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>Operational actions on a backend through the admin API, against the real process, its admin.db and real backends.</summary>
public sealed class BackendOverrideTests
{
    private const string Services = "/__lb_admin__/api/v1/services";

    private static string Id(TestBackend backend) => $"127.0.0.1-{backend.Port}";

    private static async Task<string> ServiceName(HttpClient client) =>
        (await AdminApi.Items(client, Services)).Single().GetProperty("name").GetString()!;

    private static async Task<Dictionary<string, int>> Shares(HttpClient client, int requests)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < requests; i++)
        {
            var name = await client.GetStringAsync("/");
            counts[name] = counts.GetValueOrDefault(name) + 1;
        }
        return counts;
    }

    private static async Task<JsonElement> Patch(HttpClient client, string path, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await AdminApi.PatchAsync(client, path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"PATCH {path} {json}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task Weight_override_shows_in_traffic_shares_beside_the_files_weight_and_clears()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();
        var a = $"{Services}/{await ServiceName(client)}/backends/{Id(backends[0])}";

        var patched = await Patch(client, a, """{"weight": 3}""");

        Assert.Equal((3, 1), (patched.GetProperty("weight").GetInt32(), patched.GetProperty("config_weight").GetInt32()));
        Assert.Equal(3, patched.GetProperty("override").GetProperty("weight").GetInt32());
        // Round robin's smooth sequence is deterministic: 3:1 exactly over whole cycles.
        Assert.Equal(new Dictionary<string, int> { ["a"] = 30, ["b"] = 10 }, await Shares(client, 40));

        using var cleared = await AdminApi.DeleteAsync(client, a + "/override");
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        var backend = await AdminApi.GetJsonAsync(client, a);
        Assert.Equal(JsonValueKind.Null, backend.GetProperty("override").ValueKind);
        Assert.Equal(1, backend.GetProperty("weight").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 20, ["b"] = 20 }, await Shares(client, 40));

        var audit = await AdminApi.Items(client, "/__lb_admin__/api/v1/audit");
        var set = audit.First( // the caller's identity: FLOWBALANCE_ADMIN_TOKEN, as the auth handler names it
            e => e.GetProperty("action").GetString() == "backend.override");
        Assert.Equal(("token:environment", "127.0.0.1", "none", """{"weight":3,"state":null}""", "ok"),
            (set.GetProperty("actor").GetString(), set.GetProperty("address").GetString(), set.GetProperty("before").GetString(), set.GetProperty("after").GetString(), set.GetProperty("result").GetString()));
        Assert.Contains(audit, e => e.GetProperty("action").GetString() == "backend.override.clear" && e.GetProperty("after").GetString() == "none");
    }

    [Fact]
    public async Task Drain_lets_the_slow_in_flight_request_finish_sends_nothing_new_then_is_disabled()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();
        var service = $"{Services}/{await ServiceName(client)}/backends/";
        var a = service + Id(backends[0]);
        var b = service + Id(backends[1]);
        await Patch(client, b, """{"state": "disabled"}"""); // the slow request must land on a
        backends[0].DelayMs = 2000;
        var slow = client.GetStringAsync("/");
        await Eventually.True(() => backends[0].Requests == 1, "the slow request reached a");
        await Patch(client, b, """{"state": "enabled"}""");

        var draining = await Patch(client, a, """{"state": "draining"}""");

        Assert.Equal(("draining", 1L), (draining.GetProperty("state").GetString(), draining.GetProperty("in_flight").GetInt64()));
        Assert.True(draining.GetProperty("drain").GetProperty("time_left_s").GetDouble() > 0);
        Assert.Equal(new Dictionary<string, int> { ["b"] = 10 }, await Shares(client, 10));
        Assert.Equal(1, backends[0].Requests); // nothing new reached a
        Assert.Equal("a", await slow); // the in-flight one finished
        await Eventually.True(async () => (await AdminApi.GetJsonAsync(client, a)).GetProperty("state").GetString() == "disabled", "a disabled once drained");
        var events = await AdminApi.Items(client, "/__lb_admin__/api/v1/events");
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "drain.started" && e.GetProperty("backend").GetString() == Id(backends[0]));
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "drain.finished" && e.GetProperty("to").GetString() == "disabled");
        Assert.Equal(1, backends[0].Requests);
    }

    [Fact]
    public async Task Capacity_guard_refuses_with_409_and_the_numbers_unless_forced_and_audits_the_refusal()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();
        var service = $"{Services}/{await ServiceName(client)}/backends/";
        await Patch(client, service + Id(backends[0]), """{"state": "disabled"}""");

        var refused = await Patch(client, service + Id(backends[1]), """{"state": "draining"}""", HttpStatusCode.Conflict);

        Assert.Equal((409, 1, 0, 1), (refused.GetProperty("status").GetInt32(), refused.GetProperty("routable_now").GetInt32(),
            refused.GetProperty("routable_after").GetInt32(), refused.GetProperty("min_routable").GetInt32()));
        Assert.Equal("b", await client.GetStringAsync("/")); // still in rotation
        var forced = await Patch(client, service + Id(backends[1]) + "?force=true", """{"state": "disabled"}""");
        Assert.Equal("disabled", forced.GetProperty("state").GetString());
        Assert.Equal(0, (await AdminApi.GetJsonAsync(client, Services + "/" + await ServiceName(client))).GetProperty("routable").GetInt32());
        await Patch(client, service + Id(backends[1]), """{"weight": 0}""", HttpStatusCode.BadRequest);

        var audit = await AdminApi.Items(client, "/__lb_admin__/api/v1/audit");
        Assert.Contains(audit, e => e.GetProperty("result").GetString()!.StartsWith("refused: capacity guard: service would have 0 routable backend(s)", StringComparison.Ordinal));
        Assert.Contains(audit, e => e.GetProperty("result").GetString() == "ok: forced past the capacity guard");
        Assert.Contains(audit, e => e.GetProperty("result").GetString()!.StartsWith("refused: weight:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overrides_survive_a_restart_of_the_process()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        using var file = new TempConfigFile($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        string service;
        await using (var first = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"]))
        {
            using var client = first.CreateClient();
            service = $"{Services}/{await ServiceName(client)}/backends/";
            await Patch(client, service + Id(backends[0]), """{"weight": 3}""");
            await Patch(client, service + Id(backends[2]), """{"state": "disabled"}""");
        }
        Assert.True(File.Exists(Path.Combine(file.Folder, "state", "admin.db")));

        await using var second = await BalancerProcess.StartWithArgumentsAsync(["--config", file.Path, "--listen", "http://127.0.0.1:0"]);
        using var again = second.CreateClient();

        var c = await AdminApi.GetJsonAsync(again, service + Id(backends[2]));
        Assert.Equal(("disabled", "disabled"), (c.GetProperty("state").GetString(), c.GetProperty("override").GetProperty("state").GetString()));
        Assert.Equal(3, (await AdminApi.GetJsonAsync(again, service + Id(backends[0]))).GetProperty("weight").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 30, ["b"] = 10 }, await Shares(again, 40));
    }
}

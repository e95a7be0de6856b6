using System.Net;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Plugins;

/// <summary>Plugins dropped into a folder, run by the real host in front of real backends.</summary>
public sealed class PluginTests
{
    [Fact]
    public async Task Headers_sample_edits_request_headers_before_forwarding_and_response_headers_before_the_client()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.SampleOutput("Headers"), "Headers");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              plugins_dir = {{plugins.Quoted}}
              plugins.Headers {
                request {
                  set { X-Env = "prod" }
                  remove = ["X-Debug"]
                }
                response {
                  set { X-Frame-Options = "DENY" }
                  remove = ["X-Backend"]
                }
              }
            }
            """);
        using var client = balancer.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Add("X-Debug", "1");

        using var response = await client.SendAsync(request);
        var seen = TestBackend.ParseHeaders(await response.Content.ReadAsStringAsync());
        using var plain = await client.GetAsync("/");

        Assert.Equal("prod", seen["X-Env"]);
        Assert.False(seen.ContainsKey("X-Debug"));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.False(plain.Headers.Contains("X-Backend")); // the backend sets it; the plugin removes it
        Assert.Contains("plugin 'Headers' 1.0.0 loaded from", balancer.Output);
    }

    [Fact]
    public async Task ApiKey_sample_answers_401_itself_and_strips_a_valid_key_before_forwarding()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.SampleOutput("ApiKey"), "ApiKey");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              plugins_dir = {{plugins.Quoted}}
              plugins.ApiKey { keys = ["s3cret-key-1"], paths = ["/headers"] }
            }
            """);
        using var client = balancer.CreateClient();
        var before = backend.Requests;

        using var refused = await client.GetAsync("/headers");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(before, backend.Requests); // answered by the plugin, never forwarded

        var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Add("X-Api-Key", "s3cret-key-1");
        using var allowed = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.False(TestBackend.ParseHeaders(await allowed.Content.ReadAsStringAsync()).ContainsKey("X-Api-Key"));

        using var unprotected = await client.GetAsync("/public");
        Assert.Equal(HttpStatusCode.OK, unprotected.StatusCode);
    }

    [Fact]
    public async Task Plugins_run_in_order_on_the_request_in_reverse_on_the_response_and_only_for_their_services()
    {
        await using var backend = await TestBackend.StartAsync("shared");
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.TestPluginOutput("Tagger"), "late");
        plugins.Install(PluginsFolder.TestPluginOutput("Tagger"), "early");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              services = [
                { name = "api", hostname = "api.test", backends = ["{{backend.Url}}"] }
                { name = "web", hostname = "web.test", backends = ["{{backend.Url}}"] }
              ]
              plugins_dir = {{plugins.Quoted}}
              plugins {
                late  { order = 2, tag = "late" }
                early { order = 1, tag = "early", services = ["api"] }
              }
            }
            """);
        using var client = balancer.CreateClient();

        var (apiSeen, apiResponse) = await GetHeaders(client, "api.test");
        var (webSeen, webResponse) = await GetHeaders(client, "web.test");

        Assert.Equal("early,late", apiSeen["X-Plugin-Tags"]);
        Assert.Equal("late,early", apiResponse);
        Assert.Equal("late", webSeen["X-Plugin-Tags"]);
        Assert.Equal("late", webResponse);
    }

    [Fact]
    public async Task Replacing_a_plugin_dll_under_traffic_swaps_it_with_zero_failed_requests()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.TestPluginOutput("Versioned.V1"), "versioned");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], plugins_dir = {{plugins.Quoted}} }
            """);
        using var client = balancer.CreateClient();
        await using var traffic = Traffic.Start(client, clients: 4, response => response.Headers.TryGetValues("X-Plugin-Generation", out var v) ? v.First() : "none");
        await Eventually.True(() => traffic.Seen("1") > 20, "generation 1 answers");

        plugins.Install(PluginsFolder.TestPluginOutput("Versioned.V2"), "versioned"); // overwrites the DLL in place
        await Eventually.True(() => traffic.Seen("2") > 200, "generation 2 answers steadily");
        var summary = await traffic.StopAsync();

        Assert.Equal(0, summary.Failed);
        Assert.Equal(0, summary.Count("none")); // never a request without the plugin during the swap
        Assert.Contains("plugin 'versioned' reloaded: 1.0.0 -> 2.0.0", balancer.Output);
        Assert.Equal(0, traffic.SeenAfterLast("2", "1")); // once swapped, the old version never answers again
    }

    [Fact]
    public async Task Adding_and_removing_a_plugin_folder_takes_effect_without_a_restart()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], plugins_dir = {{plugins.Quoted}} }
            """);
        using var client = balancer.CreateClient();

        var folder = plugins.Install(PluginsFolder.TestPluginOutput("Tagger"), "added");
        await Eventually.True(async () => (await Tags(client)) == "added", "the added plugin runs");
        Directory.Delete(folder, recursive: true);
        await Eventually.True(async () => (await Tags(client)) is null, "the removed plugin stops");
        Assert.Contains("plugin 'added' removed", balancer.Output);
    }

    [Fact]
    public async Task Broken_incompatible_and_incomplete_plugins_are_reported_with_path_and_reason_and_the_rest_run()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        var garbage = Directory.CreateDirectory(Path.Combine(plugins.Path, "garbage")).FullName;
        await File.WriteAllBytesAsync(Path.Combine(garbage, "garbage.dll"), [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))]);
        plugins.Install(PluginsFolder.TestPluginOutput("FutureContract"), "future");
        plugins.Install(PluginsFolder.TestPluginOutput("PrivateDependency"), "nodeps", file => !file.StartsWith("Semver", StringComparison.Ordinal));
        var notAPlugin = Directory.CreateDirectory(Path.Combine(plugins.Path, "notaplugin")).FullName;
        File.Copy(Path.Combine(Path.GetDirectoryName(HostBinary.DllPath)!, "FlowBalance.Actors.dll"), Path.Combine(notAPlugin, "notaplugin.dll"));
        plugins.Install(PluginsFolder.TestPluginOutput("Tagger"), "good");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], plugins_dir = {{plugins.Quoted}} }
            """);
        using var client = balancer.CreateClient();

        Assert.Equal("good", await Tags(client));
        var output = balancer.Output;
        Assert.Contains($"plugin 'garbage' in {garbage} was not loaded: garbage.dll is not a .NET assembly", output);
        Assert.Contains("plugin 'future' in", output);
        Assert.Contains("it was built against plugin contract 2.0, and this FlowBalance provides 1.0: rebuild it against FlowBalance.Plugins.Abstractions 1.x", output);
        Assert.Contains("plugin 'nodeps' in", output);
        Assert.Contains("a dependency is missing: Semver, Version=3.0.0.0", output);
        Assert.Contains($"plugin 'notaplugin' in {notAPlugin} was not loaded: it does not reference FlowBalance.Plugins.Abstractions", output);
        Assert.DoesNotContain("   at ", output); // reported, not a stack trace
    }

    [Fact]
    public async Task A_throwing_plugin_fails_open_by_default_fails_closed_when_configured_and_is_logged_at_a_bounded_rate()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.TestPluginOutput("Tagger"), "lenient");
        plugins.Install(PluginsFolder.TestPluginOutput("Tagger"), "strict");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              plugins_dir = {{plugins.Quoted}}
              plugins {
                lenient { tag = "lenient", throw_on_request = "/headers" }
                strict  { tag = "strict", failure_mode = "closed", throw_on_request = "/strict", throw_on_response = "/strict-response" }
              }
            }
            """);
        using var client = balancer.CreateClient();

        for (var i = 0; i < 200; i++)
        {
            using var open = await client.GetAsync("/headers");
            Assert.Equal(HttpStatusCode.OK, open.StatusCode); // the request proceeds without the failing plugin
            Assert.Equal("strict", TestBackend.ParseHeaders(await open.Content.ReadAsStringAsync())["X-Plugin-Tags"]);
        }
        var before = backend.Requests;
        using var closed = await client.GetAsync("/strict");
        Assert.Equal(HttpStatusCode.InternalServerError, closed.StatusCode);
        var requestId = closed.Headers.GetValues("X-Request-Id").Single();
        Assert.Equal($"Plugin 'strict' failed while handling this request (request id {requestId})\n", await closed.Content.ReadAsStringAsync());
        Assert.Equal(before, backend.Requests);

        using var closedOnResponse = await client.GetAsync("/strict-response");
        Assert.Equal(HttpStatusCode.InternalServerError, closedOnResponse.StatusCode);
        Assert.False(closedOnResponse.Headers.Contains("X-Backend")); // the backend's answer is not leaked

        var lenientLines = balancer.Output.Split('\n').Count(line => line.Contains("plugin 'lenient'") && line.Contains("threw") || line.Contains("plugin 'lenient' failed"));
        Assert.InRange(lenientLines, 1, 2); // 200 failures, one line (plus at most one summary)
        Assert.Contains("lenient refuses /headers", balancer.Output);
    }

    [Fact]
    public async Task A_plugin_runs_with_its_own_version_of_a_dependency_the_host_also_loads()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.TestPluginOutput("PrivateDependency"), "json");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], plugins_dir = {{plugins.Quoted}} }
            """);
        using var client = balancer.CreateClient();

        using var response = await client.GetAsync("/");

        // The host loads Newtonsoft.Json 13 (through Akka), as this test assembly does; the plugin ships 12.
        Assert.Equal(13, typeof(Newtonsoft.Json.JsonConvert).Assembly.GetName().Version!.Major);
        Assert.Equal("12.0.0.0", response.Headers.GetValues("X-Plugin-Json-Version").Single());
        Assert.Matches("^\\{\"backend\":\"127\\.0\\.0\\.1-\\d+\"\\}$", response.Headers.GetValues("X-Plugin-Json").Single());
    }

    [Fact]
    public async Task A_setting_the_plugin_refuses_names_the_key_and_line_and_the_balancer_serves_without_it()
    {
        await using var backend = await TestBackend.StartAsync("api");
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.SampleOutput("ApiKey"), "ApiKey");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              plugins_dir = {{plugins.Quoted}}
              plugins.ApiKey {
                keys = ["short"]
              }
            }
            """);
        using var client = balancer.CreateClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("flowbalance.plugins.ApiKey.keys (line 5): every key must be at least 8 characters long", balancer.Output);
    }

    private static async Task<(Dictionary<string, string> Seen, string? ResponseTags)> GetHeaders(HttpClient client, string host)
    {
        using var response = await client.SendAsHost(host, "/headers");
        return (TestBackend.ParseHeaders(await response.Content.ReadAsStringAsync()), response.Header("X-Plugin-Tags"));
    }

    private static async Task<string?> Tags(HttpClient client)
    {
        using var response = await client.GetAsync("/");
        response.EnsureSuccessStatusCode();
        return response.Header("X-Plugin-Tags");
    }
}

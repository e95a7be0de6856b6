using System.Diagnostics;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests;

/// <summary>Changing hocon.conf under live traffic: applied as a diff, never a failed request; a bad file changes nothing.</summary>
public sealed class ReloadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Adding_removing_reweighting_and_a_broken_file_under_load_fail_no_request()
    {
        var backends = await TestBackend.StartManyAsync("a", "b", "c");
        await using var _ = new AsyncDisposables(backends);
        var (a, b, c) = (backends[0], backends[1], backends[2]);
        await using var balancer = await BalancerProcess.StartAsync(Config((a, 1), (b, 1)));
        using var client = balancer.CreateClient();
        await using var traffic = Traffic.Start(client, clients: 4, response => response.Headers.GetValues("X-Backend").Single());
        await Eventually.True(() => traffic.Seen("a") > 50 && traffic.Seen("b") > 50, "a and b serve");

        // Add c: it gets traffic within 2 s of the file changing.
        var written = Stopwatch.StartNew();
        await File.WriteAllTextAsync(balancer.ConfigFile, Config((a, 1), (b, 1), (c, 1)));
        await Eventually.True(() => traffic.Seen("c") > 0, "the added backend serves", TimeSpan.FromSeconds(2));
        var firstTrafficAfter = written.Elapsed;

        // Remove b: once the reload is applied and its in-flight requests are done, it gets nothing more.
        await File.WriteAllTextAsync(balancer.ConfigFile, Config((a, 1), (c, 1)));
        await Eventually.True(() => balancer.Output.Contains("-" + b.Url), "b's removal is applied");
        var bAfterRemoval = b.Requests;
        var seenBefore = traffic.Seen("a") + traffic.Seen("c");
        await Eventually.True(() => traffic.Seen("a") + traffic.Seen("c") > seenBefore + 400, "400 more requests");
        Assert.InRange(b.Requests - bAfterRemoval, 0, 4); // at most the 4 clients' requests already in flight

        // Reweight a:c to 3:1.
        await File.WriteAllTextAsync(balancer.ConfigFile, Config((a, 3), (c, 1)));
        await Eventually.True(() => balancer.Output.Contains("weight 3"), "the new weight is applied");
        var (a0, c0) = (a.Requests, c.Requests);
        await Eventually.True(() => a.Requests + c.Requests > a0 + c0 + 800, "800 more requests");
        var aShare = (double)(a.Requests - a0) / (a.Requests - a0 + c.Requests - c0);
        Assert.InRange(aShare, 0.65, 0.85);

        // A broken file: logged as at startup, the 3:1 config keeps running.
        await File.WriteAllTextAsync(balancer.ConfigFile, "flowbalance {\n  backends = [\"http://127.0.0.1:1\"\n");
        await Eventually.True(() => balancer.Output.Contains("the running configuration stays"), "the broken file is rejected");
        Assert.Contains("line 2: '[' opened here is never closed", balancer.Output);
        var (a1, c1) = (a.Requests, c.Requests);
        await Eventually.True(() => a.Requests + c.Requests > a1 + c1 + 200, "200 more requests");
        Assert.InRange(b.Requests - bAfterRemoval, 0, 4);

        var summary = await traffic.StopAsync();
        output.WriteLine($"{summary.Labels.Count} requests, {summary.Failed} failed; c served {firstTrafficAfter.TotalMilliseconds:F0} ms after the file changed; a's share at 3:1 {aShare:P0}");
        Assert.Equal(0, summary.Failed);
        Assert.True(firstTrafficAfter < TimeSpan.FromSeconds(2), $"c served {firstTrafficAfter.TotalMilliseconds:F0} ms after the file changed");
    }

    [Fact]
    public async Task Restart_only_settings_are_named_on_reload_against_what_still_runs()
    {
        await using var backend = await TestBackend.StartAsync("a");
        var config = $$"""
            flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false }
            akka { loglevel = WARNING }
            """;
        await using var balancer = await BalancerProcess.StartAsync(config);

        await File.WriteAllTextAsync(balancer.ConfigFile, config.Replace("loglevel = WARNING", "loglevel = ERROR") + "\nflowbalance.shutdown_timeout = 5s\nflowbalance.admin.allow = [\"10.0.0.0/8\"]\n");
        await Eventually.True(() => balancer.Output.Contains("configuration applied (file changed"), "the file is reloaded");
        await File.WriteAllTextAsync(balancer.ConfigFile, config + "\nflowbalance.shutdown_timeout = 7s\n");
        await Eventually.True(() => balancer.Output.Occurrences("configuration applied (file changed") == 2, "the file is reloaded again");

        Assert.Contains("the akka section changed; it takes effect on restart", balancer.Output);
        Assert.Contains("admin changed; it takes effect on restart (still as read at startup)", balancer.Output);
        Assert.Equal(200, (int)(await balancer.CreateClient().GetAsync("/__lb_admin__/login")).StatusCode); // admin.allow still as started
        Assert.Equal(2, balancer.Output.Occurrences("shutdown_timeout changed; it takes effect on restart (still 30s)"));
    }

    [Fact]
    public async Task SIGHUP_reloads_and_a_renamed_service_switches_atomically()
    {
        var backends = await TestBackend.StartManyAsync("old", "new");
        await using var _ = new AsyncDisposables(backends);
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance.services = [{ name = "api", hostname = "api.test", backends = ["{{backends[0].Url}}"] }]
            """);
        using var client = balancer.CreateClient();
        Assert.Equal("old", await Get(client, "api.test"));

        Process.Start("kill", ["-HUP", balancer.ProcessId.ToString()]).WaitForExit();
        await Eventually.True(() => balancer.Output.Contains("(SIGHUP): no routing change"), "SIGHUP reloads");

        await File.WriteAllTextAsync(balancer.ConfigFile, $$"""
            flowbalance.services = [{ name = "api-v2", hostname = "api.test", backends = ["{{backends[1].Url}}"] }]
            """);
        await Eventually.True(async () => await Get(client, "api.test") == "new", "the renamed service answers");
        // The log line may reach the output a moment after the new table answers.
        await Eventually.True(() => balancer.Output.Contains("service api-v2 added (1 backends); service api removed"), "the reload's line names the change");
        Assert.Equal("new", await Get(client, "api.test"));
    }

    [Fact]
    public async Task DEFAULT_BACKENDS_stays_applied_and_plugin_settings_follow_the_file()
    {
        var backends = await TestBackend.StartManyAsync("env", "file");
        await using var _ = new AsyncDisposables(backends);
        using var plugins = new PluginsFolder();
        plugins.Install(PluginsFolder.TestPluginOutput("Tagger"), "tagger");
        string FileConfig(string tag) => $$"""
            flowbalance {
              services = [{ hostname = "file.test", backends = ["{{backends[1].Url}}"] }]
              plugins_dir = {{plugins.Quoted}}
              plugins.tagger.tag = "{{tag}}"
            }
            """;
        await using var balancer = await BalancerProcess.StartAsync(FileConfig("one"), new Dictionary<string, string>
        {
            ["DEFAULT_BACKENDS"] = $$"""{"hostname": "env.test", "backends": ["{{backends[0].Url}}"]}""",
        });
        using var client = balancer.CreateClient();
        Assert.Equal(("env", "one"), await GetTagged(client, "env.test"));

        await File.WriteAllTextAsync(balancer.ConfigFile, FileConfig("two"));
        await Eventually.True(async () => (await GetTagged(client, "file.test")).Tag == "two", "the plugin runs with its new settings");
        Assert.Equal(("env", "two"), await GetTagged(client, "env.test")); // the variable's service survived the reload
        await Eventually.True(() => balancer.Output.Contains("plugin 'tagger' reconfigured"), "the reconfiguration is logged"); // the line may trail the traffic
    }

    private static async Task<(string Backend, string? Tag)> GetTagged(HttpClient client, string host)
    {
        using var response = await client.SendAsHost(host);
        return (await response.Content.ReadAsStringAsync(), response.Header("X-Plugin-Tags"));
    }

    private static string Config(params (TestBackend Backend, int Weight)[] backends) => $$"""
        flowbalance {
          backends = [{{string.Join(", ", backends.Select(b => $"{{ url = \"{b.Backend.Url}\", weight = {b.Weight} }}"))}}]
          slow_start_ms = 0
        }
        """;

    private static async Task<string> Get(HttpClient client, string host)
    {
        using var response = await client.SendAsHost(host);
        return await response.Content.ReadAsStringAsync();
    }
}

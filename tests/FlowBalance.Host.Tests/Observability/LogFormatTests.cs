using System.Text.Json;
using System.Text.RegularExpressions;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Observability;

/// <summary>The console as an operator and a log shipper read it: one line per entry, one line per change.</summary>
public sealed partial class LogFormatTests
{
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO |WARN |ERROR|FATAL) \S")]
    private static partial Regex TextLine();

    [Fact]
    public async Task Text_lines_carry_time_and_level_once_and_a_state_change_is_one_line()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks { interval = 1, consecutive_up = 1 } }
            akka { loglevel = INFO }
            """);
        await Eventually.True(() => balancer.Output.Contains($"{backend.Url}/ healthy: /health answered 200 (was unknown)"), "the backend's first probe is logged");
        using var client = balancer.CreateClient();
        for (var i = 0; i < 5; i++) Assert.Equal("a", await client.GetStringAsync("/"));

        var lines = balancer.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var logLines = lines.Where(l => char.IsAsciiDigit(l[0])).ToList();
        Assert.All(logLines, l => Assert.Matches(TextLine(), l));
        // The rest is the startup banner (its own block), never a log entry's continuation line.
        Assert.All(lines.Where(l => !char.IsAsciiDigit(l[0])), l => Assert.True(l.StartsWith("FlowBalance listening") || l.StartsWith("  "), l));
        Assert.DoesNotContain(lines, l => l.Contains("[Thread ") || l.Contains("info: ") || l.Contains("[INFO]["));
        Assert.Single(logLines, l => l.Contains($"{backend.Url}/ healthy:"));
        Assert.Single(logLines, l => l.Contains($"{backend.Url}/ health endpoint /health discovered"));
        Assert.Single(logLines, l => l.Contains("configuration applied (startup)"));
    }

    [Fact]
    public async Task Json_lines_have_stable_names_and_the_event_fields()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              activeHealthChecks { interval = 1, consecutive_up = 1 }
              log { format = json }
            }
            """);
        await Eventually.True(() => balancer.Output.Contains("\"type\":\"backend.up\""), "the backend.up event is logged");

        // Every line is a JSON object, the startup banner too.
        var entries = balancer.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(entries, e => e.GetProperty("message").GetString()!.StartsWith("FlowBalance listening on"));
        Assert.All(entries, e =>
        {
            foreach (var name in new[] { "time", "level", "category", "message" }) Assert.True(e.TryGetProperty(name, out _), $"{name} in {e}");
            Assert.EndsWith("Z", e.GetProperty("time").GetString());
        });
        var up = Assert.Single(entries, e => e.TryGetProperty("type", out var t) && t.GetString() == "backend.up");
        Assert.Equal("info", up.GetProperty("level").GetString());
        Assert.Equal("FlowBalance.Events", up.GetProperty("category").GetString());
        Assert.Equal("default", up.GetProperty("service").GetString());
        Assert.Equal($"{backend.Url}/", up.GetProperty("url").GetString());
        Assert.Equal(("unknown", "healthy", "/health answered 200"), (up.GetProperty("from").GetString(), up.GetProperty("to").GetString(), up.GetProperty("reason").GetString()));
        Assert.False(string.IsNullOrEmpty(up.GetProperty("backend").GetString()));
        Assert.False(string.IsNullOrEmpty(up.GetProperty("node").GetString()));
        Assert.Contains("healthy: /health answered 200 (was unknown)", up.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_bad_log_setting_is_a_config_error()
    {
        using var file = new TempConfigFile("flowbalance {\n  backends = [\"http://127.0.0.1:1\"]\n  log { format = xml }\n}");
        var (code, output) = await BalancerProcess.RunToExitAsync(["--config", file.Path]);
        Assert.Equal(2, code);
        Assert.Contains("flowbalance.log.format (line 3): must be one of text, json, found 'xml'", output);
    }
}

using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests;

/// <summary>
/// <c>${NAME}</c> and <c>${?NAME}</c> from the environment, at startup and on reload. Before, Akka's
/// parser looped forever on <c>${?NAME}</c> (a silent hang growing by a gigabyte in seconds) and
/// refused <c>${NAME}</c> even when the variable was set.
/// </summary>
public sealed class SubstitutionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_optional_backend_serves_when_its_variable_is_set_and_is_left_out_when_unset()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var _ = new AsyncDisposables(backends);
        var config = $"flowbalance {{\n  backends = [\"{backends[0].Url}\", ${{?BACKEND}}]\n  slow_start_ms = 0\n}}";

        await using (var unset = await BalancerProcess.StartAsync(config))
        {
            using var client = unset.CreateClient();
            Assert.Equal(["a"], (await GetMany(client, 6)).Distinct());
        }
        await using var set = await BalancerProcess.StartAsync(config, new Dictionary<string, string> { ["BACKEND"] = backends[1].Url });
        using var both = set.CreateClient();
        Assert.Equal(["a", "b"], (await GetMany(both, 6)).Distinct().Order());
    }

    [Fact]
    public async Task A_required_substitution_takes_the_variables_value()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync("flowbalance.backends = [${BACKEND}]", new Dictionary<string, string> { ["BACKEND"] = backend.Url });
        using var client = balancer.CreateClient();

        Assert.Equal("a", await client.GetStringAsync("/"));
    }

    [Fact]
    public async Task A_required_substitution_that_is_unset_exits_with_code_2_naming_key_and_line()
    {
        using var file = new TempConfigFile("flowbalance {\n  backends = [${BACKEND}]\n}");
        var (exitCode, text) = await BalancerProcess.RunToExitAsync(["--config", file.Path]);

        Assert.Equal(2, exitCode);
        Assert.Contains("flowbalance.backends[0] (line 2): ${BACKEND}: environment variable BACKEND is not set", text);
        Assert.DoesNotContain("   at ", text);
    }

    [Fact]
    public async Task A_reload_with_an_optional_substitution_applies_at_normal_memory_and_an_unset_required_one_is_rejected()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var _ = new AsyncDisposables(backends);
        var (a, b) = (backends[0], backends[1]);
        await using var balancer = await BalancerProcess.StartAsync($"flowbalance {{ backends = [\"{a.Url}\"], slow_start_ms = 0 }}",
            new Dictionary<string, string> { ["BACKEND"] = b.Url });
        using var client = balancer.CreateClient();
        await using var traffic = Traffic.Start(client, clients: 2, response => response.Headers.GetValues("X-Backend").Single());
        await Eventually.True(() => traffic.Seen("a") > 100, "a serves");
        var before = balancer.ResidentMiB;

        // The reload that hung, growing to 1.5 GB and more with nothing logged.
        await File.WriteAllTextAsync(balancer.ConfigFile, $"flowbalance {{\n  backends = [\"{a.Url}\", ${{?BACKEND}}, ${{?UNSET}}]\n  slow_start_ms = 0\n}}");
        await Eventually.True(() => traffic.Seen("b") > 0, "b, from the variable, serves", TimeSpan.FromSeconds(10));
        var afterOptional = balancer.ResidentMiB;

        await File.WriteAllTextAsync(balancer.ConfigFile, "flowbalance {\n  backends = [${MISSING}]\n}");
        await Eventually.True(() => balancer.Output.Contains("the running configuration stays"), "the file is rejected", TimeSpan.FromSeconds(10));
        Assert.Contains("flowbalance.backends[0] (line 2): ${MISSING}: environment variable MISSING is not set", balancer.Output);
        var (seenA, seenB) = (traffic.Seen("a"), traffic.Seen("b"));
        await Eventually.True(() => traffic.Seen("a") > seenA + 50 && traffic.Seen("b") > seenB + 50, "a and b keep serving");

        var summary = await traffic.StopAsync();
        output.WriteLine($"RSS {before} MiB before, {afterOptional} MiB after the ${{?BACKEND}} reload; {summary.Failed} of {summary.Labels.Count} requests failed");
        Assert.Equal(0, summary.Failed);
        Assert.True(afterOptional < before + 100, $"RSS {before} -> {afterOptional} MiB");
    }

    private static async Task<List<string>> GetMany(HttpClient client, int count)
    {
        var seen = new List<string>();
        for (var i = 0; i < count; i++) seen.Add(await client.GetStringAsync("/"));
        return seen;
    }
}

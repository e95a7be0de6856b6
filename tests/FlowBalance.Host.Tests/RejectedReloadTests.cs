using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests;

/// <summary>A reload with a file that would hang or exhaust the parser is refused and logged; the balancer keeps serving at normal memory.</summary>
public sealed class RejectedReloadTests(ITestOutputHelper output)
{
    private const string Rejected = "the running configuration stays";

    [Fact]
    public async Task Deep_nesting_a_too_large_file_and_a_parser_trap_are_rejected_while_traffic_continues_and_memory_stays_flat()
    {
        await using var backend = await TestBackend.StartAsync("a");
        var good = $"flowbalance.backends = [\"{backend.Url}\"]\n";
        await using var balancer = await BalancerProcess.StartAsync(good);
        using var client = balancer.CreateClient();
        await using var traffic = Traffic.Start(client, clients: 2, response => response.Headers.GetValues("X-Backend").Single());
        await Eventually.True(() => traffic.Seen("a") > 100, "a serves");
        var before = balancer.ResidentMiB;

        // 20,000 levels: the parser's recursion overflowed the stack at startup and kept 1.85 GB on reload.
        await File.WriteAllTextAsync(balancer.ConfigFile, good + "akka.x = " + string.Concat(Enumerable.Repeat("{ a = ", 20_000)) + "1" + new string('}', 20_000));
        await Eventually.True(() => balancer.Output.Occurrences(Rejected) == 1, "the deep file is rejected", TimeSpan.FromSeconds(10));
        Assert.Contains("line 2: nested more than 64 levels deep", balancer.Output);
        var afterDeep = balancer.ResidentMiB;

        await File.WriteAllTextAsync(balancer.ConfigFile, good + "# " + new string('x', 5 * 1024 * 1024));
        await Eventually.True(() => balancer.Output.Occurrences(Rejected) >= 2, "the huge file is rejected", TimeSpan.FromSeconds(10));
        Assert.Contains("is larger than 4 MiB (the limit)", balancer.Output);

        // '?' in a list: Akka's parser looped forever on it, adding empty elements without end.
        await File.WriteAllTextAsync(balancer.ConfigFile, good + "akka.x = [?]\n");
        await Eventually.True(() => balancer.Output.Occurrences(Rejected) >= 3, "the parser trap is rejected", TimeSpan.FromSeconds(10));
        Assert.Contains("line 2: '?' cannot be part of an unquoted key or value", balancer.Output);

        var seen = traffic.Seen("a");
        await Eventually.True(() => traffic.Seen("a") > seen + 100, "a still serves after the rejected reloads");
        var afterHuge = balancer.ResidentMiB;
        var summary = await traffic.StopAsync();
        output.WriteLine($"RSS {before} MiB before, {afterDeep} MiB after the deep file, {afterHuge} MiB after the huge file and the trap; {summary.Failed} of {summary.Labels.Count} requests failed");
        Assert.Equal(0, summary.Failed);
        Assert.True(afterDeep < before + 100 && afterHuge < before + 100, $"RSS {before} -> {afterDeep} -> {afterHuge} MiB");
    }
}

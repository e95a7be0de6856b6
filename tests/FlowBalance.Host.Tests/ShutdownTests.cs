using System.Diagnostics;
using FlowBalance.Host.Tests.Support;
using Xunit.Abstractions;

namespace FlowBalance.Host.Tests;

/// <summary>SIGTERM drains requests in flight for at most <c>shutdown_timeout</c>, then the balancer exits.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_request_in_flight_at_SIGTERM_is_cut_once_a_1s_shutdown_timeout_is_over()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        backend.DelayMs = 30_000;
        await using var balancer = await BalancerProcess.StartAsync($"flowbalance {{\n  backends = [\"{backend.Url}\"]\n  shutdown_timeout = 1s\n}}");
        using var client = balancer.CreateClient();
        var request = client.GetAsync("/");
        await Eventually.True(() => backend.Requests == 1, "the request reached the backend");

        var clock = Stopwatch.StartNew();
        balancer.Terminate();
        var exitCode = await balancer.WaitForExitAsync(TimeSpan.FromSeconds(15));
        var exitedAfter = clock.Elapsed;

        output.WriteLine($"exited {exitedAfter.TotalMilliseconds:F0} ms after SIGTERM with code {exitCode}");
        Assert.Equal(0, exitCode);
        Assert.InRange(exitedAfter, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(6)); // the default 30 s would keep it 30 s
        await Assert.ThrowsAsync<HttpRequestException>(() => request.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_request_in_flight_at_SIGTERM_completes_within_a_longer_shutdown_timeout()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        backend.DelayMs = 2_000;
        await using var balancer = await BalancerProcess.StartAsync($"flowbalance {{\n  backends = [\"{backend.Url}\"]\n  shutdown_timeout = 30\n}}");
        using var client = balancer.CreateClient();
        var request = client.GetStringAsync("/");
        await Eventually.True(() => backend.Requests == 1, "the request reached the backend");

        var clock = Stopwatch.StartNew();
        balancer.Terminate();
        var answer = await request.WaitAsync(TimeSpan.FromSeconds(15));
        var answeredAfter = clock.Elapsed;
        var exitCode = await balancer.WaitForExitAsync(TimeSpan.FromSeconds(15));

        output.WriteLine($"answered {answeredAfter.TotalMilliseconds:F0} ms after SIGTERM, exited {clock.Elapsed.TotalMilliseconds:F0} ms after it");
        Assert.Equal("slow", answer);
        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"exited {clock.Elapsed} after SIGTERM");
    }
}

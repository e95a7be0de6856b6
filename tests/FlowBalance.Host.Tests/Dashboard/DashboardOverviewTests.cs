using System.Diagnostics;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace FlowBalance.Host.Tests.Dashboard;

/// <summary>The dashboard in a real headless browser against the real process and real backends.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DashboardOverviewTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static string Id(TestBackend backend) => $"127.0.0.1-{backend.Port}";

    [Fact]
    public async Task The_overview_shows_a_killed_backend_as_down_within_2_s_without_a_reload()
    {
        var backends = await TestBackend.StartManyAsync("alpha", "beta");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = {{TestBackend.HoconList(backends)}}
              activeHealthChecks { interval = 0.5, timeout = 0.3, consecutive_down = 1 }
            }
            """);
        await using var context = await browser.NewContextAsync();
        var page = await DashboardPages.LogInAsync(context, balancer.BaseAddress, AdminApi.Token);
        output.WriteLine($"chromium {browser.Browser.Version}");

        var victim = page.Locator($"[data-testid='state-default-{Id(backends[1])}']");
        await Expect(victim).ToHaveAttributeAsync("data-state", "up", new() { Timeout = 15_000 });
        await Expect(page.Locator($"[data-testid='state-default-{Id(backends[0])}']")).ToHaveAttributeAsync("data-state", "up");
        var navigations = 0;
        page.FrameNavigated += (_, frame) => { if (frame == page.MainFrame) navigations++; };

        await backends[1].KillAsync();
        var killed = Stopwatch.StartNew();
        await Expect(victim).ToHaveAttributeAsync("data-state", "down", new() { Timeout = 2_000 });
        output.WriteLine($"shown down {killed.ElapsedMilliseconds} ms after the kill");
        Assert.Equal(0, navigations); // pushed over the circuit, no reload
        await DashboardPages.ScreenshotAsync(page, "overview");
    }
}

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

        // The events page tells it as an incident of that backend, still going on.
        await page.Locator("a[href='events']").ClickAsync();
        var incident = page.Locator("[data-testid='incident']").First;
        await Expect(incident).ToContainTextAsync($"default/{Id(backends[1])}");
        await Expect(incident).ToContainTextAsync("ongoing");
        await Expect(incident.Locator("[data-testid='event'][data-type='backend.down']")).ToHaveCountAsync(1);
        await DashboardPages.ScreenshotAsync(page, "events");
        await page.Locator("a[href='']").First.ClickAsync();
        await Expect(victim).ToHaveAttributeAsync("data-state", "down");
        await page.SetViewportSizeAsync(390, 844); // a phone, in the dark theme
        await page.Locator("#fb-theme").ClickAsync();
        await page.WaitForFunctionAsync("""
            () => { const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+/g).map(Number); return r + g + b < 200; }
            """, null, new() { Timeout = 5_000 }); // the page's background is dark now
        await DashboardPages.ScreenshotAsync(page, "overview-phone-dark");

        // An open dashboard (its circuit's WebSocket) does not hold a shutdown (shutdown_timeout is 30 s).
        var stopping = Stopwatch.StartNew();
        balancer.Terminate();
        var exit = await balancer.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.True(exit == 0, $"exit {exit} after SIGTERM with a dashboard open: {balancer.Output[^Math.Min(3000, balancer.Output.Length)..]}");
        output.WriteLine($"exited {stopping.ElapsedMilliseconds} ms after SIGTERM with a dashboard open");
    }

    [Fact]
    public async Task The_printed_bootstrap_login_URL_opens_the_dashboard()
    {
        await using var backend = await TestBackend.StartAsync("bootstrap");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"] }""",
            new Dictionary<string, string> { ["FLOWBALANCE_ADMIN_TOKEN"] = "" });
        var url = System.Text.RegularExpressions.Regex.Match(balancer.Output, @"(http://\S+/__lb_admin__/login\?token=(fbt_\S+))").Groups[1].Value;
        Assert.NotEmpty(url);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(url);

        await Expect(page.Locator("#fb-live")).ToHaveTextAsync("live", new() { Timeout = 30_000 });
        Assert.EndsWith("/__lb_admin__/", page.Url);
        await Expect(page.Locator($"[data-testid='state-default-{Id(backend)}']")).ToBeVisibleAsync();
        // Without the session the same page is the login form.
        await using var stranger = await browser.NewContextAsync();
        var other = await stranger.NewPageAsync();
        await other.GotoAsync(new Uri(balancer.BaseAddress, "/__lb_admin__/").ToString());
        await Expect(other.Locator("input#token")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_service_page_charts_traffic_for_the_service_and_each_backend()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        backends[1].FailWith = 503; // a failure status: the error charts have something to show
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""",
            new Dictionary<string, string> { ["FLOWBALANCE_HISTORY_STEP_MS"] = "250" });
        using var client = balancer.CreateClient();
        await using var context = await browser.NewContextAsync();
        var page = await DashboardPages.LogInAsync(context, balancer.BaseAddress, AdminApi.Token);
        await page.GotoAsync(new Uri(balancer.BaseAddress, $"/__lb_admin__/services/default?backend={Id(backends[1])}").ToString());
        await Expect(page.Locator("#fb-live")).ToHaveTextAsync("live");

        // Traffic (a third of it failing) until both traffic charts (the service's, the backend's) draw a line that is not flat.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var traffic = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) using (await client.GetAsync("/", CancellationToken.None)) { }
        });
        await page.WaitForFunctionAsync("""
            () => { const charts = [...document.querySelectorAll("[data-testid='chart-traffic']")];
                    return charts.length == 2 && charts.every(c => [...c.querySelectorAll("path.mud-chart-line")].some(
                      p => new Set((p.getAttribute("d").match(/[\d.]+ [\d.]+/g) || []).map(xy => xy.split(" ")[1])).size > 1)); }
            """, null, new() { Timeout = 30_000 });
        await stop.CancelAsync();
        await traffic;
        await Expect(page.Locator("[data-testid='chart-latency']")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid='chart-errors']")).ToHaveCountAsync(2);
        await DashboardPages.ScreenshotAsync(page, "service");
    }
}

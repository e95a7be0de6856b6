using System.Text.Json;
using FlowBalance.Host.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace FlowBalance.Host.Tests.Dashboard;

/// <summary>Steering from the dashboard in a real browser: a weight, a config edit with a typo, apply and roll back, a request found by its id.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DashboardSteeringTests(BrowserFixture browser, ITestOutputHelper output)
{
    private static string Id(TestBackend backend) => $"127.0.0.1-{backend.Port}";

    [Fact]
    public async Task A_weight_changed_in_the_dashboard_is_applied_to_traffic_and_audited()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        await using var context = await browser.NewContextAsync();
        var page = await DashboardPages.LogInAsync(context, balancer.BaseAddress, AdminApi.Token);
        var a = Id(backends[0]);

        await page.Locator($"[data-testid='actions-default-{a}'] button").ClickAsync();
        await page.Locator("[data-testid='action-weight']").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("input").FillAsync("3");
        await dialog.Locator("[data-testid='weight-apply']").ClickAsync();

        await Expect(page.Locator($"[data-testid='weight-default-{a}']")).ToContainTextAsync("3 (file: 1)");
        await Expect(page.Locator($"[data-testid='override-default-{a}']")).ToBeVisibleAsync();
        using var client = balancer.CreateClient();
        var shares = new Dictionary<string, int>();
        for (var i = 0; i < 40; i++)
        {
            var name = await client.GetStringAsync("/");
            shares[name] = shares.GetValueOrDefault(name) + 1;
        }
        Assert.Equal(new Dictionary<string, int> { ["a"] = 30, ["b"] = 10 }, shares); // smooth round robin: exactly 3:1 over whole cycles
        var audit = (await AdminApi.Items(client, "/__lb_admin__/api/v1/audit")).First(e => e.GetProperty("action").GetString() == "backend.override");
        Assert.Equal("127.0.0.1", audit.GetProperty("address").GetString());
        Assert.StartsWith("ok", audit.GetProperty("result").GetString());
    }

    [Fact]
    public async Task A_config_typo_shows_its_key_path_and_an_applied_edit_rolls_back()
    {
        var backends = await TestBackend.StartManyAsync("a", "b");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = {{TestBackend.HoconList(backends)}}
              activeHealthChecks.enabled = false
              retries = 1
            }
            """);
        await using var context = await browser.NewContextAsync();
        var page = await DashboardPages.LogInAsync(context, balancer.BaseAddress, AdminApi.Token);
        await page.GotoAsync(new Uri(balancer.BaseAddress, "/__lb_admin__/config").ToString());
        await Expect(page.Locator("#fb-live")).ToHaveTextAsync("live");
        var editor = page.Locator("textarea[data-testid='config-editor']");
        var original = await editor.InputValueAsync();
        Assert.Contains("retries = 1", original);

        await editor.FillAsync(original.Replace("retries = 1", "retires = 2"));
        var error = page.Locator("[data-testid='config-error']").First;
        await Expect(error).ToContainTextAsync("flowbalance.retires");
        output.WriteLine($"shown: {await error.TextContentAsync()}");
        await Expect(page.Locator("[data-testid='config-apply']")).ToBeDisabledAsync();
        await DashboardPages.ScreenshotAsync(page, "config-error");

        await editor.FillAsync(original.Replace("retries = 1", "retries = 2"));
        await Expect(page.Locator("[data-testid='config-change']").First).ToBeVisibleAsync();
        await page.Locator("[data-testid='config-apply']").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("[data-testid='config-revision']")).ToHaveTextAsync("2");
        Assert.Contains("retries = 2", await File.ReadAllTextAsync(balancer.ConfigFile));
        using var client = balancer.CreateClient();
        Assert.Equal(2, (await AdminApi.GetJsonAsync(client, "/__lb_admin__/api/v1/config")).GetProperty("config").GetProperty("retries").GetInt32());

        await page.GetByRole(AriaRole.Tab, new() { Name = "Revisions" }).ClickAsync();
        await page.Locator("[data-testid='revision-diff-1']").ClickAsync();
        await Expect(page.Locator("[data-testid='revision-diff']")).ToContainTextAsync("+  retries = 2");
        await DashboardPages.ScreenshotAsync(page, "config-revisions");
        await page.Locator("[data-testid='revision-restore-1']").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Roll back" }).ClickAsync();
        await Expect(page.Locator("[data-testid='config-revision']")).ToHaveTextAsync("3");
        Assert.Contains("retries = 1", await File.ReadAllTextAsync(balancer.ConfigFile));
        var revisions = await AdminApi.Items(client, "/__lb_admin__/api/v1/config/revisions");
        Assert.Equal(["rollback", "dashboard", "startup"], revisions.Select(r => r.GetProperty("source").GetString()!).ToArray());
        Assert.Equal(1, (await AdminApi.GetJsonAsync(client, "/__lb_admin__/api/v1/config")).GetProperty("config").GetProperty("retries").GetInt32());
    }

    [Fact]
    public async Task The_request_log_finds_a_request_by_its_id_and_shows_its_attempts()
    {
        var backends = await TestBackend.StartManyAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = {{TestBackend.HoconList(backends)}}, activeHealthChecks.enabled = false }""");
        using var client = balancer.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, "/orders/42");
        request.Headers.Add("X-Request-Id", "dashboard-test-0001");
        using (var response = await client.SendAsync(request)) response.EnsureSuccessStatusCode();
        for (var i = 0; i < 5; i++) await client.GetStringAsync($"/other/{i}");
        await using var context = await browser.NewContextAsync();
        var page = await DashboardPages.LogInAsync(context, balancer.BaseAddress, AdminApi.Token);

        await page.GotoAsync(new Uri(balancer.BaseAddress, "/__lb_admin__/requests").ToString());
        await Expect(page.Locator("#fb-live")).ToHaveTextAsync("live");
        await page.Locator("input[data-testid='filter-request-id']").FillAsync("dashboard-test-0001");
        var rows = page.Locator("[data-testid='request-id']");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveTextAsync("dashboard-test-0001");
        await rows.First.ClickAsync();
        var detail = page.Locator("[data-testid='request-detail']");
        await Expect(detail).ToContainTextAsync("GET");
        await Expect(detail).ToContainTextAsync("/orders/42");
        await Expect(detail.Locator("[data-testid='attempt']")).ToHaveCountAsync(1);
        await Expect(detail.Locator("[data-testid='attempt']").First).ToContainTextAsync(Id(backends[0]));
        await Expect(detail.Locator("[data-testid='attempt-why']").First).ToHaveTextAsync("round robin in pool default");
        await DashboardPages.ScreenshotAsync(page, "request-log");
    }

    [Fact]
    public async Task An_API_key_made_in_the_dashboard_is_shown_once_works_and_is_revoked_there()
    {
        await using var backend = await TestBackend.StartAsync("a");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"], activeHealthChecks.enabled = false }""");
        await using var context = await browser.NewContextAsync();
        var page = await DashboardPages.LogInAsync(context, balancer.BaseAddress, AdminApi.Token);
        await page.Locator("a[href='keys']").ClickAsync();

        await page.Locator("input[data-testid='key-name']").FillAsync("grafana");
        await page.Locator("input[data-testid='key-expires']").FillAsync("30d");
        await page.Locator("[data-testid='key-create']").ClickAsync();
        var secret = await page.Locator("[data-testid='key-secret']").TextContentAsync();
        Assert.StartsWith("fbk_", secret);
        using var client = balancer.CreateClient();
        var status = new HttpRequestMessage(HttpMethod.Get, "/__lb_admin__/api/v1/status");
        status.Headers.Authorization = new("Bearer", secret);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.SendAsync(status)).StatusCode);
        var id = (await AdminApi.Items(client, "/__lb_admin__/api/v1/keys")).Single().GetProperty("id").GetString();

        await page.Locator($"[data-testid='key-revoke-{id}']").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.Locator($"[data-testid='key-status-{id}']")).ToHaveTextAsync("revoked");
        var again = new HttpRequestMessage(HttpMethod.Get, "/__lb_admin__/api/v1/status");
        again.Headers.Authorization = new("Bearer", secret);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.SendAsync(again)).StatusCode);
        await page.ReloadAsync();
        await Expect(page.Locator("[data-testid='key-secret']")).ToHaveCountAsync(0); // shown once
    }
}

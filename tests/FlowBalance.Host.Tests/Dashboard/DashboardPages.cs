using Microsoft.Playwright;

namespace FlowBalance.Host.Tests.Dashboard;

/// <summary>What the dashboard tests do in a page: log in through the printed URL, wait for the live circuit, keep screenshots.</summary>
public static class DashboardPages
{
    public const string Admin = "/__lb_admin__";

    /// <summary>Opens the login URL with the token; the dashboard is interactive (its circuit connected) when this returns.</summary>
    public static async Task<IPage> LogInAsync(IBrowserContext context, Uri balancer, string token)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(balancer, $"{Admin}/login?token={Uri.EscapeDataString(token)}").ToString());
        await Assertions.Expect(page.Locator("#fb-live")).ToHaveTextAsync("live", new() { Timeout = 30_000 });
        return page;
    }

    /// <summary>
    /// A full-page screenshot in the test's output folder; with FLOWBALANCE_SCREENSHOTS=&lt;folder&gt; (the README's
    /// pictures: docs/dashboard) also there.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new() { FullPage = true });
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "screenshots", name + ".png"), bytes);
        if (Environment.GetEnvironmentVariable("FLOWBALANCE_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, name + ".png"), bytes);
        }
    }
}

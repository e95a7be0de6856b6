using Microsoft.Playwright;

namespace FlowBalance.Host.Tests.Dashboard;

/// <summary>
/// One headless Chromium for the dashboard tests: Debian's <c>chromium</c> package driven by Playwright
/// (its driver ships in the NuGet package; nothing is downloaded). Each test opens its own context.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Chromium)) throw new InvalidOperationException($"the dashboard tests need Debian's chromium at {Chromium} (apt-get install chromium; .ci/run installs it)");
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = 60_000 });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        Playwright.Dispose();
    }

    /// <summary>A fresh browser profile (cookies, storage) with a laptop-sized window.</summary>
    public Task<IBrowserContext> NewContextAsync(int width = 1400, int height = 900) =>
        Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

using FlowBalance.Host.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace FlowBalance.Host.Tests.Dashboard;

/// <summary>Logging in with GitHub in a real browser (against <see cref="LoginProvider"/> on loopback), and an open dashboard noticing its session end.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DashboardLoginTests(BrowserFixture browser, ITestOutputHelper output)
{
    /// <summary>
    /// The provider as another site: the browser meets it at localhost, the balancer is at 127.0.0.1 (a site is
    /// scheme and host, not port), so the way back from the provider is a cross-site navigation, as from github.com.
    /// </summary>
    private static string CrossSite(string url) => url.Replace("//127.0.0.1:", "//localhost:", StringComparison.Ordinal);

    [Fact]
    public async Task A_github_viewer_logs_in_sees_locked_controls_and_is_sent_out_when_sessions_are_revoked()
    {
        await using var idp = await LoginProvider.StartAsync();
        await using var backend = await TestBackend.StartAsync("login");
        await using var balancer = await BalancerProcess.StartAsync($$"""
            flowbalance {
              backends = ["{{backend.Url}}"]
              admin.auth {
                github {
                  client_id = "{{idp.ClientId}}", client_secret = "{{idp.ClientSecret}}", allowed_orgs = ["acme"]
                  authorization_endpoint = "{{CrossSite(idp.AuthorizationEndpoint)}}", token_endpoint = "{{idp.TokenEndpoint}}", api_url = "{{idp.GitHubApiUrl}}"
                }
              }
            }
            """);
        idp.User = new LoginUser("watcher", 31, "Watcher", "watcher@acme.example") { Orgs = ["acme"] };
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        // The dashboard's address sends a stranger to the login page; its GitHub button does the rest.
        await page.GotoAsync(new Uri(balancer.BaseAddress, DashboardPages.Admin + "/").ToString());
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/__lb_admin__/login\\?return="));
        await DashboardPages.ScreenshotAsync(page, "login");
        idp.AsksConsent = true;
        await page.Locator("#login-github").ClickAsync();
        await page.Locator("#authorize").ClickAsync(); // at the provider, another site
        // The session cookie is SameSite=Strict and the browser arrives from the provider's redirect: the page
        // after the callback moves on by itself so that the cookie comes with the dashboard's request.
        await Expect(page.Locator("#fb-live")).ToHaveTextAsync("live", new() { Timeout = 30_000 });
        await Expect(page.Locator("#fb-user")).ToHaveTextAsync("github:watcher (viewer)");
        Assert.Equal("S256", idp.LastCodeChallengeMethod);
        var id = $"127.0.0.1-{backend.Port}";
        await Expect(page.Locator($"[data-testid='locked-default-{id}']")).ToBeVisibleAsync(); // a viewer steers nothing
        await Expect(page.Locator($"[data-testid='actions-default-{id}']")).ToHaveCountAsync(0);

        // Log out everywhere (here with the admin token): the open dashboard notices within seconds and reloads to the login page.
        using var api = balancer.CreateClient();
        using var revoked = await AdminApi.PostAsync(api, DashboardPages.Admin + "/logout?everywhere=true");
        Assert.Equal(System.Net.HttpStatusCode.NoContent, revoked.StatusCode);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/__lb_admin__/login\\?return="), new() { Timeout = 10_000 });
        output.WriteLine($"after revocation: {page.Url}");
    }
}

using FlowBalance.Host.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace FlowBalance.Host.Tests.Dashboard;

/// <summary>The overview's fleet table in a real browser: a cluster's members with their state and what their summaries said.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class DashboardFleetTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_overview_lists_the_cluster_nodes_with_their_state_and_revision()
    {
        await using var backend = await TestBackend.StartAsync("fleet");
        await using var fleet = await ClusterFleet.StartAsync(backend.Url, "eu", "us");
        await using var context = await browser.NewContextAsync();
        var page = await DashboardPages.LogInAsync(context, fleet[0].BaseAddress, AdminApi.Token);

        foreach (var node in new[] { "node-1", "node-2" })
        {
            await Expect(page.Locator($"[data-testid='fleet-state-{node}']")).ToHaveAttributeAsync("data-state", "up", new() { Timeout = 60_000 });
        }
        await Expect(page.Locator("[data-testid='fleet-self']")).ToContainTextAsync("this node: up (incarnation 1)");
        await Expect(page.Locator("#fb-fleet tr", new() { HasText = "node-2" })).ToContainTextAsync("us");
        await Expect(page.Locator("#fb-fleet tr", new() { HasText = "node-2" }).Locator("td[data-label='Revision']")).ToHaveTextAsync("1", new() { Timeout = 10_000 });

        // node-2 stops: the open page shows it gone without a reload.
        Assert.Equal(0, await fleet.StopNodeAsync(1, crash: false));
        await Expect(page.Locator("[data-testid='fleet-node-node-2']")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await DashboardPages.ScreenshotAsync(page, "fleet");
    }
}

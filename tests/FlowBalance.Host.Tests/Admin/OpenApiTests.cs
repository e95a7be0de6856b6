using System.Net;
using System.Text.Json;
using FlowBalance.Host.Tests.Support;

namespace FlowBalance.Host.Tests.Admin;

/// <summary>The OpenAPI document lists what the API answers: every GET route it names without parameters answers with the token.</summary>
public sealed class OpenApiTests
{
    [Fact]
    public async Task Every_listed_get_route_answers_and_the_document_is_openapi_3_1()
    {
        await using var backend = await TestBackend.StartAsync("openapi");
        await using var balancer = await BalancerProcess.StartAsync($$"""flowbalance { backends = ["{{backend.Url}}"] }""");
        using var client = balancer.CreateClient();

        using var document = JsonDocument.Parse(await AdminApi.GetStringAsync(client, "/__lb_admin__/api/v1/openapi.json"));
        var root = document.RootElement;
        Assert.Equal("3.1.0", root.GetProperty("openapi").GetString());
        var server = root.GetProperty("servers")[0].GetProperty("url").GetString()!;
        var checkedRoutes = 0;
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            Assert.StartsWith("/", path.Name);
            if (!path.Value.TryGetProperty("get", out _) || path.Name.Contains('{')) continue;
            using var response = await AdminApi.GetAsync(client, server + path.Name, HttpCompletionOption.ResponseHeadersRead);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path.Name}: {(int)response.StatusCode}");
            checkedRoutes++;
        }
        Assert.True(checkedRoutes >= 10, $"only {checkedRoutes} routes checked");
        Assert.Equal(0, backend.Requests);
    }
}

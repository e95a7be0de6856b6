using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;

namespace FlowBalance.Actors.Tests.State;

public sealed class RoutingTableTests
{
    private readonly RoutingTable _table = new(ConfigText.Load("""
        flowbalance.services = [
          { name = "api", hostname = "api.example.com", backends = ["http://127.0.0.1:1"] }
          { name = "any-sub", hostname = "*.example.com", backends = ["http://127.0.0.1:2"] }
          { name = "deep-sub", hostname = "*.eu.example.com", backends = ["http://127.0.0.1:3"] }
          { name = "fallback", backends = ["http://127.0.0.1:4"] }
        ]
        """).Services.Select(s => new ServiceSlot(s)));

    [Theory]
    [InlineData("api.example.com", "api")]
    [InlineData("API.Example.COM", "api")]
    [InlineData("api.example.com.", "api")]
    [InlineData("shop.example.com", "any-sub")]
    [InlineData("a.b.example.com", "any-sub")]
    [InlineData("x.eu.example.com", "deep-sub")]
    [InlineData("example.com", "fallback")]
    [InlineData("other.org", "fallback")]
    [InlineData("", "fallback")]
    public void Exact_names_win_then_the_most_specific_wildcard_then_the_catch_all(string host, string service)
    {
        Assert.Equal(service, _table.Match(host)?.Definition.Name);
    }

    [Fact]
    public void Without_a_catch_all_an_unknown_host_matches_nothing()
    {
        var table = new RoutingTable(ConfigText.Load("flowbalance { hostname = \"a.com\", backends = [\"http://127.0.0.1:1\"] }")
            .Services.Select(s => new ServiceSlot(s)));

        Assert.Null(table.Match("b.com"));
    }
}

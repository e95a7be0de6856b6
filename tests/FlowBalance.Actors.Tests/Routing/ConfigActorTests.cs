using Akka.Actor;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;
using FlowBalance.Actors.Tests.Support;

namespace FlowBalance.Actors.Tests.Routing;

public sealed class ConfigActorTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task Publishes_the_routing_table_and_creates_one_actor_per_service_and_backend()
    {
        var options = ConfigText.Load("""
            flowbalance.services = [
              { hostname = "api.example.com", backends = ["http://127.0.0.1:9001", "http://127.0.0.1:9002"] }
              { hostname = "*.example.com", backends = ["http://127.0.0.1:9003"] }
            ]
            """);
        var store = new RoutingTableStore();

        Sys.ActorOf(ConfigActor.Props(store, options, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Config);
        await store.Ready.WaitAsync(RemainingOrDefault);

        Assert.Equal(["api.example.com", "*.example.com"], store.Current.Services.Select(s => s.Definition.Hostname));
        Assert.Equal("*.example.com", store.Current.Match("www.example.com")?.Definition.Hostname);
        foreach (var path in new[]
        {
            "/user/config/service-api.example.com/backend-127.0.0.1-9001",
            "/user/config/service-api.example.com/backend-127.0.0.1-9002",
            "/user/config/service-wildcard.example.com/backend-127.0.0.1-9003",
        })
        {
            // Services create their backends as they start: wait for each to appear.
            await AwaitAssertAsync(async () => Assert.NotNull(await Sys.ActorSelection(path).ResolveOne(TimeSpan.FromSeconds(1))));
        }
    }
}

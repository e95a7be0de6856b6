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

    [Fact]
    public async Task Applying_a_new_config_keeps_unchanged_backends_and_their_state_adds_new_ones_and_drains_removed_ones()
    {
        var store = new RoutingTableStore();
        var config = Sys.ActorOf(ConfigActor.Props(store, Config(("a", 1), ("b", 1)), ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Config);
        await store.Ready.WaitAsync(RemainingOrDefault);
        var before = store.Current.Services.Single();
        var a = before.Backends[0];
        var b = before.Backends[1];
        a.Finish(Admission.Admitted, OutcomeKind.ConnectionError, 502, 0); // some state that must survive
        b.Counters.RequestStarted(); // one request still in flight on the backend about to be removed
        var bActor = await Sys.ActorSelection("/user/config/service-api.test/backend-127.0.0.1-9002").ResolveOne(RemainingOrDefault);
        Watch(bActor);

        var applied = await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(Config(("a", 3), ("c", 1))), RemainingOrDefault);

        var after = store.Current.Services.Single();
        Assert.NotSame(before, after);
        Assert.Same(a, after.Backends[0]); // kept: same slot, same gate, same actor
        Assert.Equal(1, a.Gate.Streak);
        Assert.Equal(3, a.Definition.Weight); // new weight applied in place
        Assert.Equal(["127.0.0.1-9001", "127.0.0.1-9003"], after.Backends.Select(s => s.Definition.Id));
        Assert.Equal("service api.test: +http://127.0.0.1:9003/, -http://127.0.0.1:9002/, http://127.0.0.1:9001/ weight 3", Assert.Single(applied.Changes));
        await Sys.ActorSelection("/user/config/service-api.test/backend-127.0.0.1-9003").ResolveOne(RemainingOrDefault);

        ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // b still has a request in flight: not stopped
        b.Finish(Admission.Admitted, OutcomeKind.Response, 200, 0);
        ExpectTerminated(bActor);
    }

    [Fact]
    public async Task An_unchanged_config_changes_nothing_and_a_removed_service_stops_after_draining()
    {
        var store = new RoutingTableStore();
        var options = Config(("a", 1));
        var config = Sys.ActorOf(ConfigActor.Props(store, options, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Config);
        await store.Ready.WaitAsync(RemainingOrDefault);
        var service = store.Current.Services.Single();
        var serviceActor = await Sys.ActorSelection("/user/config/service-api.test").ResolveOne(RemainingOrDefault);
        Watch(serviceActor);

        var same = await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(Config(("a", 1))), RemainingOrDefault);
        Assert.Empty(same.Changes);
        Assert.Same(service, store.Current.Services.Single());

        var other = ConfigText.Load("""flowbalance.services = [{ name = "web", hostname = "web.test", backends = ["http://127.0.0.1:9009"] }]""");
        var removed = await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(other), RemainingOrDefault);

        Assert.Equal(["service web added (1 backends)", "service api.test removed; its in-flight requests finish"], removed.Changes.ToArray());
        Assert.Equal("web", store.Current.Services.Single().Definition.Name);
        Assert.Null(store.Current.Match("api.test"));
        ExpectTerminated(serviceActor);
    }

    [Fact]
    public async Task A_settings_change_that_does_not_concern_backends_keeps_them_and_a_breaker_change_replaces_them()
    {
        var store = new RoutingTableStore();
        var config = Sys.ActorOf(ConfigActor.Props(store, Config(("a", 1)), ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Config);
        await store.Ready.WaitAsync(RemainingOrDefault);
        var a = store.Current.Services.Single().Backends[0];

        var moreRetries = ConfigText.Load("""flowbalance { hostname = "api.test", backends = ["http://127.0.0.1:9001"], retries = 3 }""");
        var retries = await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(moreRetries), RemainingOrDefault);
        Assert.Equal("service api.test: settings changed", Assert.Single(retries.Changes));
        Assert.Same(a, store.Current.Services.Single().Backends[0]);

        var breaker = ConfigText.Load("""flowbalance { hostname = "api.test", backends = ["http://127.0.0.1:9001"], passiveHealthChecks.circuit_breaker.failure_threshold = 9 }""");
        var replaced = await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(breaker), RemainingOrDefault);
        Assert.Contains("replaced", Assert.Single(replaced.Changes));
        Assert.NotSame(a, store.Current.Services.Single().Backends[0]);
        Assert.Equal(9, store.Current.Services.Single().Backends[0].Breaker.FailureThreshold);
    }

    [Fact]
    public async Task A_service_actor_restarted_after_a_reload_resumes_the_new_slot()
    {
        var store = new RoutingTableStore();
        var config = Sys.ActorOf(ConfigActor.Props(store, Config(("a", 1)), ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Config);
        await store.Ready.WaitAsync(RemainingOrDefault);
        await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(Config(("a", 1), ("c", 1))), RemainingOrDefault);
        var service = await Sys.ActorSelection("/user/config/service-api.test").ResolveOne(RemainingOrDefault);

        service.Tell(Kill.Instance); // its supervisor restarts it
        await AwaitAssertAsync(async () =>
        {
            var status = await service.Ask<ServiceActor.ServiceStatus>(ServiceActor.GetStatus.Instance, TimeSpan.FromSeconds(1));
            Assert.Equal(["127.0.0.1-9001", "127.0.0.1-9003"], status.Backends.Select(b => b.Definition.Id));
        });
        await Sys.ActorSelection("/user/config/service-api.test/backend-127.0.0.1-9003").ResolveOne(RemainingOrDefault);
    }

    private static FlowBalance.Actors.Configuration.FlowBalanceOptions Config(params (string Backend, int Weight)[] backends)
    {
        var ports = new Dictionary<string, int> { ["a"] = 9001, ["b"] = 9002, ["c"] = 9003 };
        var list = string.Join(", ", backends.Select(b => $"{{ url = \"http://127.0.0.1:{ports[b.Backend]}\", weight = {b.Weight} }}"));
        return ConfigText.Load($"flowbalance {{ hostname = \"api.test\", backends = [{list}] }}");
    }
}

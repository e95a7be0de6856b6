using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;
using FlowBalance.Actors.Tests.Support;

namespace FlowBalance.Actors.Tests.Routing;

public sealed class ServiceActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly ServiceSlot _slot = new(ConfigText.Load("""
        flowbalance { name = "api", backends = ["http://a.test", "http://b.test"], activeHealthChecks.enabled = false }
        """).Services[0]);

    [Fact]
    public async Task An_unhealthy_backend_leaves_the_published_snapshot_and_comes_back_when_healthy()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(ServiceActor.RoutingPublished));
        var service = Sys.ActorOf(ServiceActor.Props(_slot, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Service("api"));
        await service.Ask<ServiceActor.ServiceStatus>(ServiceActor.GetStatus.Instance, RemainingOrDefault); // children exist
        var backendA = await Sys.ActorSelection(service.Path / ActorNames.Backend("a.test-80")).ResolveOne(RemainingOrDefault);

        backendA.Tell(new BackendActor.SetHealth(BackendHealth.Unhealthy, "test"));

        var published = events.ExpectMsg<ServiceActor.RoutingPublished>();
        Assert.Equal(["b.test-80"], published.RoutableBackends.ToArray());
        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("b.test", _slot.Current.Pick(out Admission _)!.Definition.Url.Host));

        backendA.Tell(new BackendActor.SetHealth(BackendHealth.Healthy, "test"));

        Assert.Equal(["a.test-80", "b.test-80"], events.ExpectMsg<ServiceActor.RoutingPublished>().RoutableBackends.ToArray());
        Assert.Equal(2, _slot.Current.Routable.Length);
    }

    [Fact]
    public async Task Status_lists_every_backend_with_the_routable_count()
    {
        var service = Sys.ActorOf(ServiceActor.Props(_slot, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Service("api"));
        await service.Ask<ServiceActor.ServiceStatus>(ServiceActor.GetStatus.Instance, RemainingOrDefault); // children exist
        var backendB = await Sys.ActorSelection(service.Path / ActorNames.Backend("b.test-80")).ResolveOne(RemainingOrDefault);
        backendB.Tell(new BackendActor.SetHealth(BackendHealth.Unhealthy, "test"));
        await AwaitConditionAsync(() => Task.FromResult(_slot.Current.Routable.Length == 1));

        var status = await service.Ask<ServiceActor.ServiceStatus>(ServiceActor.GetStatus.Instance, RemainingOrDefault);

        Assert.Equal("api", status.Name);
        Assert.Equal(1, status.Routable);
        Assert.Equal([BackendHealth.Unknown, BackendHealth.Unhealthy], status.Backends.Select(b => b.Health));
    }
}

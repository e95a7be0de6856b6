using System.Diagnostics;
using Akka.Actor;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Configuration;
using FlowBalance.Actors.Tests.Support;

namespace FlowBalance.Actors.Tests.Routing;

/// <summary>Admin overrides of a backend, owned by its ServiceActor: weight, disable, drain, the capacity guard, reloads.</summary>
public sealed class ServiceActorOverrideTests : Akka.TestKit.Xunit2.TestKit
{
    private const string A = "a.test-80";
    private const string B = "b.test-80";

    private static ServiceSlot Slot(string extra = "") => new(ConfigText.Load($$"""
        flowbalance { name = "api", backends = ["http://a.test", "http://b.test"], activeHealthChecks.enabled = false {{extra}} }
        """).Services[0]);

    private async Task<IActorRef> Start(ServiceSlot slot)
    {
        var service = Sys.ActorOf(ServiceActor.Props(slot, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)));
        await service.Ask<ServiceActor.ServiceStatus>(ServiceActor.GetStatus.Instance, RemainingOrDefault); // children exist
        return service;
    }

    private Task<object> Set(IActorRef service, string backend, int? weight = null, AdminState? state = null, bool force = false) =>
        service.Ask(new ServiceActor.SetOverride("api", backend, new AdminOverride(weight, state), force), RemainingOrDefault);

    private static Dictionary<string, int> Shares(ServiceSlot slot, int picks)
    {
        var shares = new Dictionary<string, int> { [A] = 0, [B] = 0 };
        for (var i = 0; i < picks; i++)
        {
            var picked = slot.Pick(RouteKey.None, out var admission)!;
            shares[picked.Definition.Id]++;
            picked.Finish(admission, OutcomeKind.Response, 200, 0);
        }
        return shares;
    }

    [Fact]
    public async Task Weight_override_is_used_by_the_smooth_weighted_sequence_and_cleared_back_to_the_files()
    {
        var slot = Slot();
        var service = await Start(slot);

        var applied = Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, weight: 3));

        Assert.Equal(new AdminOverride(3, null), applied.After);
        Assert.Equal(3, slot.Backends[0].Weight);
        Assert.Equal(1, slot.Backends[0].Definition.Weight); // the file's value stays beside it
        Assert.Equal(new Dictionary<string, int> { [A] = 30, [B] = 10 }, Shares(slot, 40));

        Assert.IsType<ServiceActor.OverrideApplied>(await service.Ask(new ServiceActor.ClearOverride("api", A), RemainingOrDefault));
        Assert.Equal(new Dictionary<string, int> { [A] = 20, [B] = 20 }, Shares(slot, 40));
    }

    [Fact]
    public async Task Disabled_leaves_rotation_at_once_and_enabled_brings_it_back()
    {
        var slot = Slot();
        var service = await Start(slot);

        Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, state: AdminState.Disabled));

        Assert.Equal([B], slot.Current.Routable.Select(b => b.Definition.Id));
        Assert.Equal(new Dictionary<string, int> { [A] = 0, [B] = 20 }, Shares(slot, 20));
        Assert.Equal("disabled", StateNames.Of(slot.Backends[0]));

        Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, state: AdminState.Enabled));
        Assert.Equal(2, slot.Current.Routable.Length);
    }

    [Fact]
    public async Task Drain_takes_no_new_requests_and_becomes_disabled_when_the_last_in_flight_request_finishes()
    {
        var slot = Slot();
        var a = slot.Backends[0];
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(DrainChanged));
        var service = await Start(slot);
        var inFlight = a.Admit(Environment.TickCount64);
        a.Counters.RequestStarted();

        Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, state: AdminState.Draining));

        var started = events.ExpectMsg<DrainChanged>();
        Assert.True(started.Started);
        Assert.Equal((A, "enabled", "draining", 1L), (started.Backend, started.From, started.To, started.InFlight));
        Assert.Equal(AdminState.Draining, a.Admin.State);
        Assert.Equal(new Dictionary<string, int> { [A] = 0, [B] = 10 }, Shares(slot, 10));

        a.Finish(inFlight, OutcomeKind.Response, 200, 0);

        var finished = events.ExpectMsg<DrainChanged>(TimeSpan.FromSeconds(3));
        Assert.False(finished.Started);
        Assert.Equal(("draining", "disabled", "no request in flight"), (finished.From, finished.To, finished.Reason));
        Assert.Equal(AdminState.Disabled, a.Admin.State);
        Assert.Equal(AdminState.Draining, a.Admin.Override.State); // what the operator asked for, shown beside the outcome
    }

    [Fact]
    public async Task Drain_with_cookie_affinity_keeps_its_sessions_until_drain_timeout_passes()
    {
        var slot = Slot(", load_balancer.session_affinity.type = cookie, drain_timeout = 1");
        var a = slot.Backends[0];
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(DrainChanged));
        var service = await Start(slot);
        var clock = Stopwatch.StartNew();

        Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, state: AdminState.Draining));
        Assert.True(events.ExpectMsg<DrainChanged>().Started);

        // Nothing in flight, but a session cookie of A still reaches A (and only a session does).
        var sticky = slot.Pick(new RouteKey(null, null, a.AffinityToken, 0, false), out var admission);
        Assert.Same(a, sticky);
        a.Finish(admission, OutcomeKind.Response, 200, 0);
        Assert.Equal(new Dictionary<string, int> { [A] = 0, [B] = 10 }, Shares(slot, 10));
        Assert.True(a.Admin.DrainDeadline - a.Admin.DrainStarted == TimeSpan.FromSeconds(1));

        var finished = events.ExpectMsg<DrainChanged>(TimeSpan.FromSeconds(5));
        Assert.Equal("no request in flight and drain_timeout passed", finished.Reason);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"finished after {clock.Elapsed}");
        Assert.Equal(AdminState.Disabled, a.Admin.State);
        Assert.NotSame(a, slot.Pick(new RouteKey(null, null, a.AffinityToken, 0, false), out _)); // sessions now move
    }

    [Fact]
    public async Task Capacity_guard_refuses_with_the_numbers_unless_forced()
    {
        var slot = Slot(", min_routable = 2");
        var service = await Start(slot);

        var refused = Assert.IsType<ServiceActor.OverrideRefused>(await Set(service, A, state: AdminState.Draining));

        Assert.Equal(("service", 2, 1, 2), (refused.Scope, refused.RoutableNow, refused.RoutableAfter, refused.MinRoutable));
        Assert.Equal(2, slot.Current.Routable.Length);
        Assert.Equal(AdminState.Enabled, slot.Backends[0].Admin.State);
        Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, weight: 5)); // a weight never lowers capacity

        Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, state: AdminState.Disabled, force: true));
        Assert.Equal([B], slot.Current.Routable.Select(b => b.Definition.Id));
        Assert.Equal(new AdminOverride(5, AdminState.Disabled), slot.Backends[0].Admin.Override);
    }

    [Fact]
    public async Task Capacity_guard_counts_the_backends_pool()
    {
        var slot = new ServiceSlot(ConfigText.Load("""
            flowbalance {
              name = "api", activeHealthChecks.enabled = false
              pools = [
                { id = "eu", backends = ["http://a.test", "http://b.test"] }
                { id = "us", backends = ["http://c.test"] }
              ]
            }
            """).Services[0]);
        var service = await Start(slot);

        Assert.IsType<ServiceActor.OverrideApplied>(await Set(service, A, state: AdminState.Disabled));
        var refused = Assert.IsType<ServiceActor.OverrideRefused>(await Set(service, "c.test-80", state: AdminState.Disabled));

        Assert.Equal(("pool us", 1, 0, 1), (refused.Scope, refused.RoutableNow, refused.RoutableAfter, refused.MinRoutable));
    }

    [Fact]
    public async Task A_reload_keeps_overrides_of_backends_that_still_exist_by_id()
    {
        var store = new RoutingTableStore();
        var config = Sys.ActorOf(ConfigActor.Props(store, Config("http://a.test", "http://b.test"), ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)));
        await store.Ready.WaitAsync(RemainingOrDefault);
        Assert.IsType<ServiceActor.OverrideApplied>(await config.Ask(new ServiceActor.SetOverride("api", A, new AdminOverride(4, AdminState.Disabled), false), RemainingOrDefault));
        Assert.IsType<ServiceActor.OverrideApplied>(await config.Ask(new ServiceActor.SetOverride("api", B, new AdminOverride(2, null), false), RemainingOrDefault));

        await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(Config("http://a.test", "http://c.test")), RemainingOrDefault);

        var service = store.Current.Services.Single();
        Assert.Equal(new AdminOverride(4, AdminState.Disabled), service.Backends.Single(b => b.Definition.Id == A).Admin.Override);
        Assert.Equal(["c.test-80"], service.Current.Routable.Select(b => b.Definition.Id));
        Assert.IsType<ServiceActor.UnknownBackend>(await config.Ask(new ServiceActor.SetOverride("api", B, new AdminOverride(1, null), false), RemainingOrDefault));
        Assert.IsType<ServiceActor.UnknownBackend>(await config.Ask(new ServiceActor.ClearOverride("nope", A), RemainingOrDefault));

        // b comes back: its old override went with it.
        await config.Ask<ConfigActor.ConfigApplied>(new ConfigActor.ApplyConfig(Config("http://a.test", "http://b.test")), RemainingOrDefault);
        Assert.Equal(AdminOverride.None, store.Current.Services.Single().Backends.Single(b => b.Definition.Id == B).Admin.Override);
    }

    private static FlowBalance.Actors.Configuration.FlowBalanceOptions Config(params string[] urls) => ConfigText.Load(
        $$"""flowbalance { name = "api", backends = [{{string.Join(", ", urls.Select(u => $"\"{u}\""))}}], activeHealthChecks.enabled = false }""");
}

using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Tests.State;

public sealed class PanicAndLastResortTests
{
    private static ServiceSlot Service(double panicThreshold) => new(new FlowBalance.Actors.Configuration.ServiceDefinition("svc", null,
        [.. Enumerable.Range(0, 4).Select(i => new FlowBalance.Actors.Configuration.BackendDefinition($"b{i}", new Uri($"http://b{i}.test"), 1))], [],
        FlowBalance.Actors.Configuration.ServiceSettings.Default with { PanicThreshold = panicThreshold }));

    [Fact]
    public void Below_the_panic_threshold_traffic_spreads_over_every_backend()
    {
        var service = Service(panicThreshold: 50);
        var routableOnly = new RoutingSnapshot(service.Backends, [service.Backends[0]], panicThreshold: 50);

        Assert.True(routableOnly.Panic);
        var picked = Enumerable.Range(0, 8).Select(_ => routableOnly.Pick(out Admission _)!.Definition.Id).ToHashSet();
        Assert.Equal(4, picked.Count);
    }

    [Fact]
    public void Without_panic_mode_only_routable_backends_are_used()
    {
        var service = Service(panicThreshold: 0);
        var snapshot = new RoutingSnapshot(service.Backends, [service.Backends[2]]);

        Assert.False(snapshot.Panic);
        Assert.All(Enumerable.Range(0, 8), _ => Assert.Equal("b2", snapshot.Pick(out Admission _)!.Definition.Id));
    }

    [Fact]
    public void With_nothing_routable_the_least_recently_failed_backends_get_one_rescue_each_whatever_their_breaker()
    {
        var service = Service(panicThreshold: 0);
        var backends = service.Backends;
        var now = Environment.TickCount64;
        for (var i = 0; i < 3; i++) backends[2].Gate.RecordFailure(Admission.Trial, now - 4000); // blocked: breaker territory, failed longest ago
        backends[0].Gate.RecordFailure(Admission.Admitted, now - 3000);
        backends[3].Gate.RecordFailure(Admission.Admitted, now - 2000);
        backends[1].Gate.RecordFailure(Admission.Admitted, now - 1000);
        var snapshot = new RoutingSnapshot(backends, []);

        var picks = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            picks.Add(snapshot.Pick(out var admission)!.Definition.Id);
            Assert.Equal(Admission.Rescue, admission);
        }

        Assert.Equal(["b2", "b0", "b3", "b1"], picks); // least recently failed first, the blocked one included
        Assert.Null(snapshot.Pick(out var none)); // every backend holds its one rescue: the caller answers 503 at once
        Assert.Equal(Admission.Rejected, none);
        Assert.Null(snapshot.Pick(out _, [backends[0]]));
    }

    [Fact]
    public void A_failed_rescue_changes_nothing_but_its_time_and_a_successful_one_tells_the_actor()
    {
        var backend = Service(0).Backends[0];
        var snapshot = new RoutingSnapshot([backend], []);
        for (var i = 0; i < 3; i++) backend.Gate.RecordFailure(Admission.Trial, Environment.TickCount64);
        Assert.True(backend.Gate.IsBlocked);

        Assert.Same(backend, snapshot.Pick(out var rescue));
        backend.Counters.RequestStarted();
        backend.Finish(rescue, OutcomeKind.ConnectionError, 502, 0);

        Assert.Equal(3, backend.Gate.Streak); // no longer streak, no longer ejection
        Assert.Same(backend, snapshot.Pick(out var again)); // its slot is free again
        Assert.Equal(Admission.Rescue, again);
        Assert.True(backend.Gate.RecordSuccess(again)); // the actor must hear of it
        Assert.Equal(Admission.Rescue, backend.Gate.TryRescue(Environment.TickCount64));
    }

    [Fact]
    public void A_backend_held_by_retry_after_gets_no_rescue()
    {
        var backend = Service(0).Backends[0];
        backend.Gate.HoldUntil(Environment.TickCount64 + 60_000);

        Assert.Null(new RoutingSnapshot([backend], []).Pick(out _));
    }

    [Fact]
    public void A_routable_backend_refused_only_for_slow_start_is_used_before_any_rescue()
    {
        var backends = Service(0).Backends;
        backends[0].Gate.Close(TimeSpan.FromMinutes(10), Environment.TickCount64); // the share ramps from 10%
        var snapshot = new RoutingSnapshot(backends, [backends[0]]);

        for (var i = 0; i < 50; i++)
        {
            Assert.Same(backends[0], snapshot.Pick(out var admission));
            Assert.Equal(Admission.Admitted, admission);
        }
    }

    [Fact]
    public void A_client_abort_is_not_held_against_the_backend_and_frees_its_trial()
    {
        var backend = Service(0).Backends[0];
        backend.Finish(Admission.Admitted, OutcomeKind.ConnectionError, 502, 0);
        var trial = backend.Gate.TryAdmit(Environment.TickCount64);
        Assert.Equal(Admission.Trial, trial);
        backend.Counters.RequestStarted();

        backend.Finish(trial, OutcomeKind.ClientAborted, 499, 0);

        Assert.Equal(1, backend.Gate.Streak);
        Assert.Equal(1, backend.Counters.Sample().Failures); // only the earlier connection error
        Assert.Equal(Admission.Trial, backend.Gate.TryAdmit(Environment.TickCount64));
    }
}

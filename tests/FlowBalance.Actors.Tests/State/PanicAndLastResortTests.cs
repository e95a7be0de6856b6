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
    public void With_nothing_routable_the_least_recently_failed_unblocked_backend_is_tried()
    {
        var service = Service(panicThreshold: 0);
        var backends = service.Backends;
        backends[0].Finish(Admission.Admitted, OutcomeKind.ConnectionError, 502, 0);
        backends[1].Finish(Admission.Admitted, OutcomeKind.ConnectionError, 502, 0);
        for (var i = 0; i < 3; i++) backends[2].Finish(Admission.Trial, OutcomeKind.ConnectionError, 502, 0); // blocked: breaker territory
        backends[3].Finish(Admission.Admitted, OutcomeKind.ConnectionError, 502, 0);
        var snapshot = new RoutingSnapshot(backends, []);

        Assert.Equal("b0", snapshot.Pick(out var admission)!.Definition.Id);
        Assert.Equal(Admission.Admitted, admission);
        Assert.Equal("b1", snapshot.Pick(out _, [backends[0]])!.Definition.Id);
        Assert.Null(snapshot.Pick(out _, [backends[0], backends[1], backends[3]]));
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

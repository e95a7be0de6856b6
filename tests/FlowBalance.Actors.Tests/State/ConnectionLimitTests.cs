using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Tests.State;

public sealed class ConnectionLimitTests
{
    private static ServiceSlot Service(int limit, int? ownLimit = null) => new(new ServiceDefinition("svc", null,
        [new BackendDefinition("a", new Uri("http://a.test"), 1, ownLimit), new BackendDefinition("b", new Uri("http://b.test"), 1)], [],
        ServiceSettings.Default with { MaxConnections = limit, MaxQueue = 2 }));

    [Fact]
    public void A_backend_at_max_connections_is_skipped_and_its_place_comes_back_when_a_request_ends()
    {
        var service = Service(limit: 1);
        var first = service.Pick(default, out var a1)!;
        var second = service.Pick(default, out var a2)!;
        Assert.NotSame(first, second);

        Assert.Null(service.Pick(default, out var none)); // both full: not an outage, so no rescue either
        Assert.Equal(Admission.Rejected, none);
        Assert.True(service.AnyFull);

        first.Finish(a1, OutcomeKind.Response, 200, 0);
        Assert.Same(first, service.Pick(default, out _));
        second.Finish(a2, OutcomeKind.Response, 200, 0);
    }

    [Fact]
    public void A_full_suspect_gives_its_trial_slot_back()
    {
        var service = Service(limit: 1);
        var a = service.Backends[0];
        a.Gate.RecordFailure(Admission.Admitted, Environment.TickCount64); // suspect: one trial at a time
        Assert.True(a.TryOccupy()); // and full

        Assert.Equal(Admission.Rejected, a.Admit(Environment.TickCount64));
        Assert.True(a.Gate.TrialFree(Environment.TickCount64));
    }

    [Fact]
    public void A_backend_limit_overrides_the_service_limit_and_none_means_no_counting()
    {
        var service = Service(limit: 0, ownLimit: 3);

        Assert.Equal([3, 0], service.Backends.Select(b => b.ConnectionLimit));
        Assert.NotNull(service.Queue);
        Assert.Null(Service(limit: 0).Queue);
    }

    [Fact]
    public void A_reload_that_changes_max_connections_keeps_the_backend_and_counts_what_is_in_flight()
    {
        var before = Service(limit: 0);
        var a = before.Backends[0];
        var inFlight = before.Pick(default, out var admission)!;
        Assert.Same(a, inFlight);
        a.Counters.RequestStarted(); // as the proxy does after the pick

        var after = new ServiceSlot(before.Definition with { Settings = before.Definition.Settings with { MaxConnections = 1 } }, before);

        Assert.Same(a, after.Backends[0]); // same slot: health and breaker state stay
        Assert.Equal(1, a.ConnectionLimit);
        Assert.True(a.IsFull); // the request admitted before the limit is counted
        a.Finish(admission, OutcomeKind.Response, 200, 0);
        Assert.False(a.IsFull);
    }

    [Fact]
    public async Task The_queue_holds_at_most_max_queue_and_wakes_the_oldest_waiter_first()
    {
        var queue = new ConnectionQueue(capacity: 2);
        var first = queue.TryJoin()!;
        var second = queue.TryJoin()!;
        Assert.Null(queue.TryJoin());

        queue.Leave(first); // left before its turn: skipped
        queue.Signal();

        Assert.True(await second.Task);
        Assert.NotNull(queue.TryJoin());
    }
}

using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Support;

namespace FlowBalance.Actors.Tests.Backends;

public sealed class BackendActorTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly BackendSlot _slot = new(new BackendDefinition("a", new Uri("http://a.test"), 1), CircuitBreakerOptions.Default);

    [Fact]
    public async Task Outcomes_recorded_on_the_slot_are_counted_and_timed()
    {
        var backend = Sys.ActorOf(BackendActor.Props(_slot, "svc", TestSettings.NoProbes, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)));
        Record(OutcomeKind.Response, 200, TimeSpan.FromMilliseconds(10));
        Record(OutcomeKind.Response, 503, TimeSpan.FromMilliseconds(30));
        Record(OutcomeKind.Response, 404, TimeSpan.FromMilliseconds(20));
        Record(OutcomeKind.ConnectionError, 502, TimeSpan.FromMilliseconds(1));
        Record(OutcomeKind.Timeout, 504, TimeSpan.FromSeconds(5));
        Record(OutcomeKind.ClientAborted, 499, TimeSpan.FromMilliseconds(3));

        var status = await backend.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault);

        var totals = status.Totals;
        Assert.Equal(6, totals.Requests);
        Assert.Equal((1, 0, 1, 1), (totals.Status2xx, totals.Status3xx, totals.Status4xx, totals.Status5xx));
        Assert.Equal((1, 1), (totals.ConnectionErrors, totals.Timeouts));
        Assert.Equal(3, totals.Failures);
        Assert.Equal(20, status.LatencyEwmaMs, precision: 3); // first sample: the mean of the answered requests
        Assert.Same(status, _slot.Current);
        Assert.Equal(0, _slot.Counters.InFlight);
    }

    [Fact]
    public async Task Latency_is_a_moving_average_across_samples()
    {
        var backend = Sys.ActorOf(BackendActor.Props(_slot, "svc", TestSettings.NoProbes, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)));
        Record(OutcomeKind.Response, 200, TimeSpan.FromMilliseconds(10));
        await backend.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault);
        Record(OutcomeKind.Response, 200, TimeSpan.FromMilliseconds(110));

        var status = await backend.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault);

        Assert.Equal(10 + 0.3 * 100, status.LatencyEwmaMs, precision: 3);
    }

    [Fact]
    public async Task The_timer_publishes_samples_without_being_asked()
    {
        Sys.ActorOf(BackendActor.Props(_slot, "svc", TestSettings.NoProbes, ScriptedProber.Healthy(), TimeSpan.FromMilliseconds(50)));
        Record(OutcomeKind.Response, 200, TimeSpan.FromMilliseconds(5));

        await AwaitConditionAsync(() => Task.FromResult(_slot.Current.Totals.Requests == 1));
    }

    [Fact]
    public async Task A_restarted_backend_actor_resumes_from_its_slot()
    {
        var parent = Sys.ActorOf(ServiceActor.Props(new ServiceSlot(new ServiceDefinition(
            "svc", null, [_slot.Definition], [], TestSettings.NoProbes)), ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), "service-svc");
        await parent.Ask<ServiceActor.ServiceStatus>(ServiceActor.GetStatus.Instance, RemainingOrDefault); // children exist
        var backend = await Sys.ActorSelection(parent.Path / ActorNames.Backend("a")).ResolveOne(RemainingOrDefault);
        Watch(backend);
        backend.Tell(new BackendActor.SetHealth(BackendHealth.Unhealthy, "test"));
        await backend.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault);

        backend.Tell(Kill.Instance);

        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // restarted, not stopped: no Terminated
        var status = await backend.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault);
        Assert.Equal(BackendHealth.Unhealthy, status.Health);
    }

    private void Record(OutcomeKind kind, int status, TimeSpan latency)
    {
        _slot.Counters.RequestStarted();
        _slot.Counters.RequestFinished(kind, status, latency.Ticks, failure: kind is OutcomeKind.ConnectionError or OutcomeKind.Timeout || status >= 502);
    }
}

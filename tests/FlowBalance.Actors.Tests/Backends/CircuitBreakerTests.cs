using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Support;

namespace FlowBalance.Actors.Tests.Backends;

/// <summary>The breaker as the BackendActor runs it, driven through the slot exactly as the request path drives it.</summary>
public sealed class CircuitBreakerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly ServiceSettings Settings = TestSettings.NoProbes with
    {
        SlowStart = TimeSpan.Zero,
        CircuitBreaker = CircuitBreakerOptions.Default with { FailureThreshold = 3, RecoveryTimeout = TimeSpan.FromMilliseconds(300) },
    };

    private readonly ServiceSlot _service = new(new ServiceDefinition("svc", null,
        [new BackendDefinition("a", new Uri("http://a.test"), 1), new BackendDefinition("b", new Uri("http://b.test"), 1)], [], Settings));

    private BackendSlot A => _service.Backends[0];

    [Fact]
    public async Task Opens_after_the_threshold_then_lets_one_trial_through_and_closes_on_its_success()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(ServiceActor.RoutingPublished));
        await StartService();

        Fail(A.Gate.TryAdmit(NowMs));
        Assert.Equal(Admission.Trial, A.Gate.TryAdmit(NowMs)); // suspect: one request at a time
        Assert.Equal(Admission.Rejected, A.Gate.TryAdmit(NowMs));
        Fail(Admission.Trial);
        Fail(A.Gate.TryAdmit(NowMs));
        Assert.Equal(Admission.Rejected, A.Gate.TryAdmit(NowMs)); // blocked by the request path before the actor even ran

        Assert.Equal(["b"], events.ExpectMsg<ServiceActor.RoutingPublished>().RoutableBackends.ToArray());
        Assert.Equal((BreakerState.Open, 1), (A.Current.Breaker, A.Current.Ejections));

        Assert.Equal(["a", "b"], events.ExpectMsg<ServiceActor.RoutingPublished>(TimeSpan.FromSeconds(5)).RoutableBackends.ToArray());
        Assert.Equal(BreakerState.HalfOpen, A.Current.Breaker);
        var trial = A.Gate.TryAdmit(NowMs);
        Assert.Equal(Admission.Trial, trial);
        Assert.Equal(Admission.Rejected, A.Gate.TryAdmit(NowMs));

        A.Finish(trial, OutcomeKind.Response, 200, 0);

        await AwaitConditionAsync(() => Task.FromResult(A.Current.Breaker == BreakerState.Closed));
        Assert.Equal(Admission.Admitted, A.Gate.TryAdmit(NowMs));
    }

    [Fact]
    public async Task A_failed_trial_reopens_for_longer()
    {
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(BreakerChanged));
        await StartService();
        for (var i = 0; i < 3; i++) Fail(Admission.Trial);
        Assert.Equal(BreakerChanged.Open, events.ExpectMsg<BreakerChanged>().State);
        Assert.Equal(BreakerChanged.HalfOpen, events.ExpectMsg<BreakerChanged>(TimeSpan.FromSeconds(5)).State);

        Fail(A.Gate.TryAdmit(NowMs));

        var reopened = events.ExpectMsg<BreakerChanged>();
        var reopenedAt = DateTime.UtcNow;
        Assert.Equal((BreakerChanged.Open, 2, EventTypes.BreakerOpen), (reopened.State, reopened.Ejections, reopened.Type));
        Assert.Contains("ejection 2", reopened.Describe());
        Assert.Equal(BreakerChanged.HalfOpen, events.ExpectMsg<BreakerChanged>(TimeSpan.FromSeconds(5)).State);
        Assert.True(DateTime.UtcNow - reopenedAt >= TimeSpan.FromMilliseconds(2 * 300 * 0.9 - 50), "the second open period is about twice the first");
    }

    [Fact]
    public async Task A_successful_rescue_closes_an_open_breaker_and_failed_rescues_never_lengthen_the_ejection()
    {
        var settings = Settings with { CircuitBreaker = Settings.CircuitBreaker with { RecoveryTimeout = TimeSpan.FromMinutes(10) } };
        var slot = new BackendSlot(new BackendDefinition("c", new Uri("http://c.test"), 1), settings.CircuitBreaker);
        var events = CreateTestProbe();
        Sys.EventStream.Subscribe(events.Ref, typeof(BreakerChanged));
        var actor = Sys.ActorOf(BackendActor.Props(slot, "svc", settings, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)));
        await actor.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault); // started: it hears the failures
        for (var i = 0; i < 3; i++) FailOn(slot, Admission.Trial);
        Assert.Equal(BreakerChanged.Open, events.ExpectMsg<BreakerChanged>().State);

        for (var i = 0; i < 5; i++) FailOn(slot, slot.Gate.TryRescue(NowMs));
        events.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // failed rescues: nothing changes
        Assert.Equal((BreakerState.Open, 1), (slot.Current.Breaker, slot.Current.Ejections));

        var rescue = slot.Gate.TryRescue(NowMs);
        Assert.Equal(Admission.Rescue, rescue);
        slot.Counters.RequestStarted();
        slot.Finish(rescue, OutcomeKind.Response, 200, 0);

        var closed = events.ExpectMsg<BreakerChanged>();
        Assert.Equal((BreakerChanged.Closed, BreakerChanged.Open, "svc", "c"), (closed.State, closed.From, closed.Service, closed.Backend));
        Assert.Contains("no backend of the service was routable", closed.Reason);
        Assert.Equal(Admission.Admitted, slot.Gate.TryAdmit(NowMs));
    }

    [Fact]
    public async Task A_successful_rescue_makes_a_backend_its_probes_marked_unhealthy_healthy_again()
    {
        var slot = new BackendSlot(new BackendDefinition("c", new Uri("http://c.test"), 1), Settings.CircuitBreaker);
        var actor = Sys.ActorOf(BackendActor.Props(slot, "svc", Settings, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)));
        actor.Tell(new BackendActor.SetHealth(BackendHealth.Unhealthy, "test"));
        await AwaitConditionAsync(() => Task.FromResult(slot.Current.Health == BackendHealth.Unhealthy));

        var rescue = slot.Gate.TryRescue(NowMs);
        slot.Counters.RequestStarted();
        slot.Finish(rescue, OutcomeKind.Response, 200, 0);

        await AwaitConditionAsync(() => Task.FromResult(slot.Current.Health == BackendHealth.Healthy));
        Assert.True(slot.Current.Routable);
    }

    [Fact]
    public async Task Opens_when_the_error_rate_crosses_the_threshold_without_a_streak()
    {
        var settings = Settings with
        {
            CircuitBreaker = Settings.CircuitBreaker with { ErrorRateThreshold = 50, ErrorRateMinRequests = 20, ErrorRateWindow = TimeSpan.FromSeconds(10) },
        };
        var slot = new BackendSlot(new BackendDefinition("c", new Uri("http://c.test"), 1), settings.CircuitBreaker);
        var actor = Sys.ActorOf(BackendActor.Props(slot, "svc", settings, ScriptedProber.Healthy(), TimeSpan.FromMilliseconds(50)));
        await actor.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault); // started and sampling

        for (var i = 0; i < 20; i++)
        {
            var admission = slot.Gate.TryAdmit(NowMs);
            slot.Counters.RequestStarted();
            slot.Finish(admission, OutcomeKind.Response, i % 2 == 0 ? 503 : 200, 0); // alternating: the streak never passes 1
        }

        // An ejection counted proves it opened (on a slow machine it may already be half-open again when looked at).
        await AwaitConditionAsync(() => Task.FromResult(slot.Current.Breaker == BreakerState.Open || slot.Current.Ejections > 0), TimeSpan.FromSeconds(5));
        Assert.True(slot.Current.Ejections >= 1, $"{slot.Current}");
    }

    [Fact]
    public async Task A_restarted_actor_keeps_the_open_breaker_and_still_half_opens()
    {
        var service = await StartService();
        for (var i = 0; i < 3; i++) Fail(Admission.Trial);
        await AwaitConditionAsync(() => Task.FromResult(A.Current.Ejections == 1)); // opened (it may half-open soon after)
        var backend = await Sys.ActorSelection(service.Path / ActorNames.Backend("a")).ResolveOne(RemainingOrDefault);

        backend.Tell(Kill.Instance);

        var status = await backend.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault);
        Assert.Contains(status.Breaker, new[] { BreakerState.Open, BreakerState.HalfOpen });
        await AwaitConditionAsync(() => Task.FromResult(A.Current.Breaker == BreakerState.HalfOpen), TimeSpan.FromSeconds(5));
    }

    private async Task<IActorRef> StartService()
    {
        var service = Sys.ActorOf(ServiceActor.Props(_service, ScriptedProber.Healthy(), TimeSpan.FromMinutes(1)), ActorNames.Service("svc"));
        await service.Ask<ServiceActor.ServiceStatus>(ServiceActor.GetStatus.Instance, RemainingOrDefault);
        return service;
    }

    private static void FailOn(BackendSlot slot, Admission admission)
    {
        slot.Counters.RequestStarted();
        slot.Finish(admission, OutcomeKind.ConnectionError, 502, 0);
    }

    private void Fail(Admission admission)
    {
        A.Counters.RequestStarted();
        A.Finish(admission, OutcomeKind.ConnectionError, 502, 0);
    }

    private static long NowMs => Environment.TickCount64;
}

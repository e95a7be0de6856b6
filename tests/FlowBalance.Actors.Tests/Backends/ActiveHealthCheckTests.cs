using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;
using FlowBalance.Actors.Tests.Support;

namespace FlowBalance.Actors.Tests.Backends;

public sealed class ActiveHealthCheckTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly BackendSlot _slot = new(new BackendDefinition("a", new Uri("http://a.test"), 1), CircuitBreakerOptions.Default);
    private volatile bool _healthy = true;

    [Fact]
    public async Task Consecutive_down_probes_take_the_backend_out_and_consecutive_up_bring_it_back()
    {
        var prober = new ScriptedProber(t => new ProbeResult(_healthy, ProbeTarget.ForPath("/health"), _healthy ? "200" : "500"));
        Sys.ActorOf(BackendActor.Props(_slot, "svc", TestSettings.Probing(TimeSpan.FromMilliseconds(100), up: 2, down: 2), prober, TimeSpan.FromSeconds(1)));

        await AwaitConditionAsync(() => Task.FromResult(_slot.Current.Health == BackendHealth.Healthy));
        Assert.Equal("/health", _slot.Current.HealthPath);

        _healthy = false;
        var before = prober.Calls;
        await AwaitConditionAsync(() => Task.FromResult(_slot.Current.Health == BackendHealth.Unhealthy));
        Assert.True(prober.Calls - before >= 2);
        Assert.False(_slot.Current.Routable);

        _healthy = true;
        await AwaitConditionAsync(() => Task.FromResult(_slot.Current.Health == BackendHealth.Healthy));
        Assert.True(_slot.Current.Routable);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_probe_that_throws_changes_nothing_and_probing_goes_on(bool synchronously)
    {
        var prober = new ThrowingProber(synchronously);
        var backend = Sys.ActorOf(BackendActor.Props(_slot, "svc", TestSettings.Probing(TimeSpan.FromMilliseconds(100)), prober, TimeSpan.FromSeconds(1)));
        _slot.Counters.RequestStarted();
        _slot.Finish(Admission.Admitted, OutcomeKind.Response, 200, TimeSpan.FromMilliseconds(4).Ticks);

        await AwaitConditionAsync(() => Task.FromResult(prober.Calls >= 3), TimeSpan.FromSeconds(15)); // the suite runs the end-to-end tests beside it

        var status = await backend.Ask<BackendSnapshot>(BackendActor.GetStatus.Instance, RemainingOrDefault);
        Assert.Equal(BackendHealth.Unknown, status.Health);
        Assert.True(status.Routable);
        Assert.Equal(1, status.Totals.Requests);
    }

    private sealed class ThrowingProber(bool synchronously) : IHealthProber
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task<ProbeResult> ProbeAsync(Uri backend, ProbeTarget target, TimeSpan timeout, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var bug = new InvalidOperationException("prober bug");
            return synchronously ? throw bug : Task.FromException<ProbeResult>(bug);
        }
    }
}

using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Tests.Health;

public sealed class PureHealthLogicTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(50, CircuitBreakerOptions.MaxEjectionMultiplier)]
    public void The_open_period_grows_with_ejections_up_to_the_cap_with_ten_percent_jitter(int ejections, int multiplier)
    {
        var random = new Random(7);
        for (var i = 0; i < 100; i++)
        {
            var open = EjectionPolicy.OpenDuration(TimeSpan.FromSeconds(10), ejections, random);
            Assert.InRange(open.TotalSeconds, 9.0 * multiplier, 11.0 * multiplier);
        }
    }

    [Fact]
    public void Error_rate_needs_enough_requests_and_forgets_old_buckets()
    {
        var window = new ErrorRateWindow(buckets: 3);
        window.Add(10, 9);
        Assert.Null(window.ErrorRate(minRequests: 20));
        window.Add(10, 1);
        Assert.Equal(50, window.ErrorRate(minRequests: 20));
        window.Add(0, 0);
        window.Add(0, 0); // the 10/9 bucket falls out
        Assert.Null(window.ErrorRate(minRequests: 20));
    }

    [Fact]
    public void Probe_streaks_flip_health_only_at_their_thresholds()
    {
        var streak = new ProbeStreak(consecutiveUp: 3, consecutiveDown: 2);

        Assert.Equal(BackendHealth.Healthy, streak.Record(true, BackendHealth.Unknown));
        Assert.Null(streak.Record(false, BackendHealth.Healthy));
        Assert.Null(streak.Record(true, BackendHealth.Healthy)); // the down streak is broken
        Assert.Null(streak.Record(false, BackendHealth.Healthy));
        Assert.Equal(BackendHealth.Unhealthy, streak.Record(false, BackendHealth.Healthy));
        Assert.Null(streak.Record(true, BackendHealth.Unhealthy));
        Assert.Null(streak.Record(true, BackendHealth.Unhealthy));
        Assert.Equal(BackendHealth.Healthy, streak.Record(true, BackendHealth.Unhealthy));
    }

    [Fact]
    public void The_gate_honours_retry_after_and_ramps_up_after_recovery()
    {
        var gate = new PassiveGate(failureThreshold: 3);
        gate.HoldUntil(1_000);
        Assert.Equal(Admission.Rejected, gate.TryAdmit(999));
        Assert.Equal(Admission.Admitted, gate.TryAdmit(1_000));

        gate.Close(TimeSpan.FromSeconds(10), nowMs: 10_000);
        var early = Enumerable.Range(0, 10_000).Count(_ => gate.TryAdmit(10_001) == Admission.Admitted);
        var half = Enumerable.Range(0, 10_000).Count(_ => gate.TryAdmit(15_000) == Admission.Admitted);
        Assert.InRange(early, 500, 1_600);   // about 10% at the start of slow start
        Assert.InRange(half, 4_300, 5_700);  // about half halfway through
        Assert.Equal(Admission.Admitted, gate.TryAdmit(20_000));
    }

    [Fact]
    public void The_retry_budget_allows_three_at_once_or_a_fifth_of_in_flight_requests_plus_what_requests_earned()
    {
        var idle = new RetryBudget();
        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => idle.TryStartRetry()));

        var busy = new RetryBudget();
        for (var i = 0; i < 100; i++) busy.RequestStarted(); // 100 in flight, and 100 requests earned 20 retries
        Assert.Equal(20 + 20, Enumerable.Range(0, 60).Count(_ => busy.TryStartRetry()));
        Assert.False(busy.TryStartRetry());
        for (var i = 0; i < 21; i++) busy.RetryEnded();
        Assert.True(busy.TryStartRetry()); // concurrency frees up as retries end

        var saver = new RetryBudget();
        for (var i = 0; i < 10_000; i++)
        {
            saver.RequestStarted();
            saver.RequestEnded();
        }
        Assert.Equal(RetryBudget.MinConcurrentRetries + RetryBudget.MaxSavedRetries, Enumerable.Range(0, 500).Count(_ => saver.TryStartRetry()));
    }
}

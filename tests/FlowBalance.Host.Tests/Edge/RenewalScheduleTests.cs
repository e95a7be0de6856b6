using FlowBalance.Host.Edge.Acme;

namespace FlowBalance.Host.Tests.Edge;

public sealed class RenewalScheduleTests
{
    private static readonly DateTimeOffset NotBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RenewalSchedule _schedule = RenewalSchedule.Default;

    [Fact]
    public void RenewAt_NinetyDayCertificate_ThirtyDaysBeforeExpiryMinusUpToFourHours()
    {
        var notAfter = NotBefore.AddDays(90);

        Assert.Equal(notAfter.AddDays(-30), _schedule.RenewAt(NotBefore, notAfter, new FixedRandom(0)));
        Assert.Equal(notAfter.AddDays(-30).AddHours(-4), _schedule.RenewAt(NotBefore, notAfter, new FixedRandom(1)));
    }

    [Fact]
    public void RenewAt_ManyBalancers_SpreadOverTheJitterWindow()
    {
        var notAfter = NotBefore.AddDays(90);
        var random = new Random(7);

        var times = Enumerable.Range(0, 100).Select(_ => _schedule.RenewAt(NotBefore, notAfter, random)).ToList();

        Assert.All(times, t => Assert.InRange(t, notAfter.AddDays(-30).AddHours(-4), notAfter.AddDays(-30)));
        Assert.True(times.Distinct().Count() > 90, "jittered, not in step");
        Assert.True(times.Max() - times.Min() > TimeSpan.FromHours(3), "spread over most of the window");
    }

    [Fact]
    public void RenewAt_SixDayCertificate_RenewsAfterTwoThirdsNotAtOnce()
    {
        var notAfter = NotBefore.AddDays(6); // shorter than RenewBefore: 30 days before expiry would be before issuance

        Assert.Equal(NotBefore.AddDays(4), _schedule.RenewAt(NotBefore, notAfter, new FixedRandom(0)));
        Assert.Equal(NotBefore.AddDays(4).AddHours(-4), _schedule.RenewAt(NotBefore, notAfter, new FixedRandom(1)));
    }

    [Fact]
    public void RenewAt_OneHourCertificate_JitterStaysWithinHalfTheWindow()
    {
        var notAfter = NotBefore.AddHours(1); // window 20 min, so at most 10 min of jitter (not 4 h, before issuance)

        Assert.Equal(NotBefore.AddMinutes(30), _schedule.RenewAt(NotBefore, notAfter, new FixedRandom(1)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(10_000, 60)]
    public void RetryDelay_NthFailure_DoublesFromOneMinuteUpToOneHour(int failures, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), _schedule.RetryDelay(failures, retryAfter: null));
    }

    [Fact]
    public void RetryDelay_ServerAsksForLonger_WaitsThatLong()
    {
        Assert.Equal(TimeSpan.FromHours(3), _schedule.RetryDelay(1, TimeSpan.FromHours(3)));
        Assert.Equal(TimeSpan.FromMinutes(4), _schedule.RetryDelay(3, TimeSpan.FromSeconds(10))); // shorter than the backoff: backoff wins
    }

    [Fact]
    public void SleepUntil_NeverNegativeNorLongerThanMaxSleep()
    {
        var now = NotBefore;

        Assert.Equal(TimeSpan.Zero, _schedule.SleepUntil(now.AddDays(-3), now));
        Assert.Equal(TimeSpan.FromMinutes(5), _schedule.SleepUntil(now.AddMinutes(5), now));
        Assert.Equal(_schedule.MaxSleep, _schedule.SleepUntil(now.AddYears(5), now)); // Task.Delay cannot wait 5 years
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}

using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Tests.Health;

/// <summary>The last minute's rates and quantiles, and the health score built on them.</summary>
public sealed class RecentWindowTests
{
    private static long[] Latencies(params double[] ms)
    {
        var counts = new long[LatencyBuckets.Count];
        foreach (var m in ms) counts[LatencyBuckets.Index((long)(m * TimeSpan.TicksPerMillisecond))]++;
        return counts;
    }

    [Fact]
    public void Rates_and_quantiles_cover_the_filled_part_of_the_minute_and_old_seconds_fall_out()
    {
        var window = new RecentWindow(slots: 3);
        Assert.Equal(RecentStats.None, window.Stats(TimeSpan.FromSeconds(1)));
        window.Add(10, 1, Latencies([.. Enumerable.Repeat(1.5, 9), 400]));
        window.Add(20, 0, Latencies([.. Enumerable.Repeat(1.5, 20)]));
        var stats = window.Stats(TimeSpan.FromSeconds(1));
        Assert.Equal(15, stats.Rps);
        Assert.Equal(1.0 / 30, stats.ErrorRate, 6);
        Assert.InRange(stats.P50Ms!.Value, 1, 2);      // inside the 1-2 ms bucket
        Assert.InRange(stats.P99Ms!.Value, 200, 500);  // the one slow request

        window.Add(0, 0, new long[LatencyBuckets.Count]);
        window.Add(0, 0, new long[LatencyBuckets.Count]); // the first second (with the slow one) is gone
        Assert.InRange(window.Stats(TimeSpan.FromSeconds(1)).P99Ms!.Value, 1, 2);
    }

    [Fact]
    public void The_score_multiplies_state_errors_and_latency_against_the_pool()
    {
        var definition = new BackendDefinition("a", new Uri("http://a.test"), 1);
        var healthy = BackendSnapshot.Initial(definition) with { Health = BackendHealth.Healthy };
        Assert.Equal(1, HealthScore.Of(healthy, null));
        Assert.Equal(0.75, HealthScore.Of(healthy with { Health = BackendHealth.Unknown }, null));
        Assert.Equal(0, HealthScore.Of(healthy with { Breaker = BreakerState.Open }, null));
        Assert.Equal(0, HealthScore.Of(healthy with { Health = BackendHealth.Unhealthy }, null));
        Assert.Equal(0.9, HealthScore.Of(healthy with { Recent = new RecentStats(10, 0.1, 5, 9) }, 5));
        Assert.Equal(0.75, HealthScore.Of(healthy with { Recent = new RecentStats(10, 0, 10, 20) }, 5)); // twice as slow as its peers
        Assert.Equal(5, HealthScore.MedianP50([healthy with { Recent = new RecentStats(1, 0, 4, 4) }, healthy with { Recent = new RecentStats(1, 0, 6, 6) }, healthy]));
    }
}

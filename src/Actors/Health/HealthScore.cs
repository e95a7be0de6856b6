using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Health;

/// <summary>
/// A backend's health score, 0 (avoid) to 1 (fine), from three things it is judged on:
/// <list type="bullet">
/// <item>probes and breaker: healthy 1, not probed yet 0.75, breaker half-open 0.25, unhealthy or breaker open 0;</item>
/// <item>passive errors: × (1 − error rate over the last minute);</item>
/// <item>latency against its pool: × (0.5 + 0.5 × min(1, pool median p50 / own p50)): a backend twice as slow as its peers loses a quarter.</item>
/// </list>
/// </summary>
public static class HealthScore
{
    public static double Of(BackendSnapshot backend, double? poolMedianP50Ms)
    {
        var state = backend.Breaker switch
        {
            BreakerState.Open => 0,
            BreakerState.HalfOpen => 0.25,
            _ => backend.Health switch
            {
                BackendHealth.Healthy => 1,
                BackendHealth.Unknown => 0.75,
                _ => 0,
            },
        };
        var errors = 1 - Math.Clamp(backend.Recent.ErrorRate, 0, 1);
        var latency = backend.Recent.P50Ms is { } own && own > 0 && poolMedianP50Ms is { } median && median > 0 ? Math.Min(1, median / own) : 1;
        return Math.Round(state * errors * (0.5 + 0.5 * latency), 3);
    }

    /// <summary>The median of the p50s of backends that have one.</summary>
    public static double? MedianP50(IEnumerable<BackendSnapshot> pool)
    {
        var values = pool.Select(b => b.Recent.P50Ms).OfType<double>().Order().ToArray();
        if (values.Length == 0) return null;
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[values.Length / 2 - 1] + values[values.Length / 2]) / 2;
    }
}

using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowBalance.Actors.Health;

/// <summary>
/// <c>flowbalance.health_check.duration</c> (s; labels service, backend, result = healthy | unhealthy | error):
/// one observation per active probe, recorded by the backend's actor. The host exports the meter.
/// </summary>
public static class ProbeMetrics
{
    public const string MeterName = "FlowBalance";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("flowbalance.health_check.duration", "s",
        "Duration of each active health probe (labels: service, backend, result = healthy | unhealthy | error)");

    public static void Record(string service, string backend, string result, long startedTimestamp)
    {
        if (!Duration.Enabled) return;
        Duration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds,
            new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("backend", backend),
            new KeyValuePair<string, object?>("result", result));
    }
}

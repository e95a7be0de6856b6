using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// One backend's history: its ring and the counter readings of the previous sample, whose deltas make
/// the next point. Written by the sampler only (<see cref="MetricsHistory"/>).
/// </summary>
internal sealed class BackendSeries(int capacity)
{
    private readonly long[] _latency = new long[LatencyBuckets.Count];
    private BackendCounters? _counters;
    private long _requests;
    private long _failures;
    private TimeSpan _clock;

    public HistoryRing Ring { get; } = new(capacity);

    /// <summary>The sample that last saw the backend in the routing table; older series are dropped.</summary>
    public long Seen { get; set; }

    /// <summary>
    /// Reads <paramref name="counters"/> at <paramref name="time"/> (<paramref name="clock"/> is a monotonic
    /// reading, which the rates are measured on) and adds the step since the previous reading as a point.
    /// The first reading, a reading of other counters (a reload replaced the backend's slot), a count
    /// that went down or a clock that did not move only start a fresh baseline: no point, false.
    /// On true, <paramref name="latency"/> holds the step's latency-bucket counts (for the service's
    /// merged percentiles); it is scratch space either way.
    /// </summary>
    public bool Advance(BackendCounters counters, DateTimeOffset time, TimeSpan clock, long[] latency, out long requests, out long failures)
    {
        var now = counters.Sample();
        counters.CopyLatency(latency);
        var fresh = !ReferenceEquals(counters, _counters) || now.Requests < _requests || now.Failures < _failures || clock <= _clock;
        for (var i = 0; i < latency.Length && !fresh; i++) fresh = latency[i] < _latency[i];
        requests = now.Requests - _requests;
        failures = now.Failures - _failures;
        var seconds = (clock - _clock).TotalSeconds;
        _counters = counters;
        _requests = now.Requests;
        _failures = now.Failures;
        _clock = clock;
        for (var i = 0; i < latency.Length; i++) (latency[i], _latency[i]) = (latency[i] - _latency[i], latency[i]);
        if (fresh)
        {
            requests = failures = 0;
            return false;
        }
        Ring.Add(Point(time, seconds, requests, failures, latency));
        return true;
    }

    /// <summary>A step's point: rates over <paramref name="seconds"/>, percentiles of the step's histogram counts.</summary>
    public static HistoryPoint Point(DateTimeOffset time, double seconds, long requests, long failures, long[] latency) =>
        new(time, requests / seconds, failures / seconds, RecentWindow.Quantile(latency, 0.50), RecentWindow.Quantile(latency, 0.99));
}

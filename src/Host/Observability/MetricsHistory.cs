using System.Collections.Concurrent;
using System.Globalization;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// The last hour of requests/s, errors/s and p50/p99 latency per service and per backend, in memory on
/// this node, a fixed-size ring per series (for the dashboard's charts and the admin API). Filled every
/// <see cref="Step"/> by <see cref="MetricsHistorySampler"/> from the counters the request path already
/// keeps (<see cref="BackendCounters"/>): nothing is added per request. A service's point sums its
/// backends' requests and merges their latency histograms, so it counts attempts (a retried request
/// counts once per backend tried) and not requests refused before any backend (unknown host, all down).
/// Series of services and backends that leave the routing table are dropped at the next sample.
/// </summary>
public sealed class MetricsHistory
{
    public static readonly TimeSpan DefaultStep = TimeSpan.FromSeconds(10);

    public const int DefaultCapacity = 360;

    /// <summary>For tests: the step in milliseconds (100 to 10,000); anything else leaves the default.</summary>
    public const string StepVariable = "FLOWBALANCE_HISTORY_STEP_MS";

    private readonly ConcurrentDictionary<string, ServiceSeries> _services = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Service, string Backend), BackendSeries> _backends = new();

    // Scratch of Sample, which one caller at a time runs (the sampler's loop).
    private readonly long[] _latency = new long[LatencyBuckets.Count];
    private readonly long[] _serviceLatency = new long[LatencyBuckets.Count];
    private long _samples;

    public MetricsHistory() : this(DefaultStep, DefaultCapacity)
    {
    }

    internal MetricsHistory(TimeSpan step, int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Step = step;
        Capacity = capacity;
    }

    /// <summary>Time between two points of a series.</summary>
    public TimeSpan Step { get; }

    /// <summary>Points kept per series (360 at 10 s: one hour).</summary>
    public int Capacity { get; }

    /// <summary>The service's points, oldest first; empty for a service this node does not (yet) have.</summary>
    public IReadOnlyList<HistoryPoint> Service(string service) =>
        _services.TryGetValue(service, out var series) ? series.Ring.ToArray() : [];

    /// <summary>The backend's points, oldest first; empty for a backend this node does not (yet) have.</summary>
    public IReadOnlyList<HistoryPoint> Backend(string service, string backendId) =>
        _backends.TryGetValue((service, backendId), out var series) ? series.Ring.ToArray() : [];

    /// <summary>The step <see cref="StepVariable"/> asks for, or null when it is unset or not a whole number of milliseconds from 100 to 10,000.</summary>
    public static TimeSpan? StepFrom(string? milliseconds) =>
        int.TryParse(milliseconds, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms is >= 100 and <= 10_000
            ? TimeSpan.FromMilliseconds(ms)
            : null;

    /// <summary>
    /// One sample of every backend in <paramref name="table"/>, labelled <paramref name="time"/>; rates are
    /// measured on <paramref name="clock"/> (monotonic). A series' first sample is only its baseline.
    /// Called by one thread at a time.
    /// </summary>
    internal void Sample(RoutingTable table, DateTimeOffset time, TimeSpan clock)
    {
        var sample = ++_samples;
        foreach (var service in table.Services)
        {
            var name = service.Definition.Name;
            if (!_services.TryGetValue(name, out var serviceSeries)) serviceSeries = _services[name] = new ServiceSeries(Capacity);
            long requests = 0, failures = 0;
            Array.Clear(_serviceLatency);
            foreach (var slot in service.Backends)
            {
                var key = (name, slot.Definition.Id);
                if (!_backends.TryGetValue(key, out var series)) series = _backends[key] = new BackendSeries(Capacity);
                series.Seen = sample;
                if (!series.Advance(slot.Counters, time, clock, _latency, out var stepRequests, out var stepFailures)) continue;
                requests += stepRequests;
                failures += stepFailures;
                for (var i = 0; i < _latency.Length; i++) _serviceLatency[i] += _latency[i];
            }
            serviceSeries.Seen = sample;
            serviceSeries.Advance(time, clock, requests, failures, _serviceLatency);
        }
        foreach (var (name, series) in _services)
        {
            if (series.Seen != sample) _services.TryRemove(name, out _);
        }
        foreach (var (key, series) in _backends)
        {
            if (series.Seen != sample) _backends.TryRemove(key, out _);
        }
    }

    /// <summary>A service's ring and when it was last sampled (its backends' deltas are since then).</summary>
    private sealed class ServiceSeries(int capacity)
    {
        private TimeSpan? _clock;

        public HistoryRing Ring { get; } = new(capacity);

        public long Seen { get; set; }

        public void Advance(DateTimeOffset time, TimeSpan clock, long requests, long failures, long[] latency)
        {
            var previous = _clock;
            _clock = clock;
            if (previous is not { } since || clock <= since) return;
            Ring.Add(BackendSeries.Point(time, (clock - since).TotalSeconds, requests, failures, latency));
        }
    }
}

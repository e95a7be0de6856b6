using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// What the request path records: one duration per attempt (per backend) and one per request (per
/// service), plus retries. A <see cref="TagList"/> of constant or already-existing strings: no
/// allocation; with no listener (metrics off) an instrument is disabled and nothing is recorded.
/// </summary>
public sealed class ProxyMetrics : IDisposable
{
    /// <summary>The one meter every FlowBalance instrument is on (the actors' probe metrics too).</summary>
    public const string MeterName = FlowBalance.Actors.Health.ProbeMetrics.MeterName;

    /// <summary>Histogram buckets in seconds, 1 ms to 10 s.</summary>
    public static readonly double[] Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private static readonly string[] Codes = [.. Enumerable.Range(0, 600).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];

    private readonly Meter _meter;
    private readonly Histogram<double> _attempts;
    private readonly Histogram<double> _requests;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _affinity;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _ipRefused;

    public ProxyMetrics() : this(MeterName)
    {
    }

    /// <summary>Under another meter name (benchmarks: an instrument nobody listens to).</summary>
    public ProxyMetrics(string meterName)
    {
        _meter = new Meter(meterName);
        _attempts = _meter.CreateHistogram<double>("flowbalance.backend.request.duration", "s",
            "Duration of each attempt sent to a backend (labels: service, backend, code, error, attempt = first | retry)");
        _requests = _meter.CreateHistogram<double>("flowbalance.request.duration", "s",
            "Duration of each client request at the edge, retries included (labels: service, code)");
        _retries = _meter.CreateCounter<long>("flowbalance.retries", null, "Attempts re-sent to another backend (labels: service, reason)");
        _affinity = _meter.CreateCounter<long>("flowbalance.affinity.requests", null,
            "Requests that carried an affinity cookie (labels: service, result = hit: served by its backend | miss: moved to another)");
        _rateLimited = _meter.CreateCounter<long>("flowbalance.rate_limited", null, "Requests answered 429 by the service's rate_limit (labels: service)");
        _ipRefused = _meter.CreateCounter<long>("flowbalance.ip_refused", null, "Requests answered 403 by the service's ip_allow / ip_deny (labels: service)");
    }

    public void Attempt(string service, string backend, int status, OutcomeKind kind, bool retry, long startedTimestamp)
    {
        if (!_attempts.Enabled) return;
        var tags = new TagList
        {
            { "service", service }, { "backend", backend }, { "code", Code(status) }, { "error", Error(kind) }, { "attempt", retry ? "retry" : "first" },
        };
        _attempts.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }

    public void Request(string service, int status, long startedTimestamp)
    {
        if (!_requests.Enabled) return;
        _requests.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new TagList { { "service", service }, { "code", Code(status) } });
    }

    /// <summary>A retry; <paramref name="reason"/> is one of a few constants (connection_error, status, reset).</summary>
    public void Retry(string service, string reason) => _retries.Add(1, new TagList { { "service", service }, { "reason", reason } });

    /// <summary>A request with an affinity cookie: did its backend serve it?</summary>
    public void Affinity(string service, bool hit)
    {
        if (_affinity.Enabled) _affinity.Add(1, new TagList { { "service", service }, { "result", hit ? "hit" : "miss" } });
    }

    /// <summary>A request refused with 429 by <c>rate_limit</c>.</summary>
    public void RateLimited(string service)
    {
        if (_rateLimited.Enabled) _rateLimited.Add(1, new TagList { { "service", service } });
    }

    /// <summary>A request refused with 403 by <c>ip_allow</c> / <c>ip_deny</c>.</summary>
    public void IpRefused(string service)
    {
        if (_ipRefused.Enabled) _ipRefused.Add(1, new TagList { { "service", service } });
    }

    public bool Enabled => _attempts.Enabled;

    private static string Code(int status) => (uint)status < Codes.Length ? Codes[status] : "other";

    public static string Error(OutcomeKind kind) => kind switch
    {
        OutcomeKind.Response => "none",
        OutcomeKind.ConnectionError => "connection",
        OutcomeKind.BadResponse => "bad_response",
        OutcomeKind.Timeout => "timeout",
        OutcomeKind.ClientAborted => "client_aborted",
        _ => "other",
    };

    public void Dispose() => _meter.Dispose();
}

namespace FlowBalance.Host.Observability;

/// <summary>
/// One step of a <see cref="MetricsHistory"/> series, labelled with the time the step ended: requests
/// and failed requests per second over the step, and the p50/p99 latency (ms) of the requests
/// answered in it (null when none was).
/// </summary>
public readonly record struct HistoryPoint(DateTimeOffset Time, double Rps, double ErrorsPerSecond, double? P50Ms, double? P99Ms);

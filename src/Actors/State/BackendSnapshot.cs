using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.State;

/// <summary>
/// An immutable view of one backend, published by its <c>BackendActor</c>. <see cref="Totals"/> are
/// the counters as last sampled: a restarted actor resumes from them without double counting.
/// </summary>
public sealed record BackendSnapshot(
    BackendDefinition Definition,
    BackendHealth Health,
    BreakerState Breaker,
    int Ejections,
    string? HealthPath,
    string? Detail,
    CounterSample Totals,
    double LatencyEwmaMs,
    DateTimeOffset UpdatedAt)
{
    public bool Routable => Health != BackendHealth.Unhealthy && Breaker != BreakerState.Open;

    /// <summary>The last minute: requests/s, error rate, p50/p99.</summary>
    public RecentStats Recent { get; init; } = RecentStats.None;

    /// <summary>The last failure the actor heard of ("connection error", "status 503"), with its time.</summary>
    public string? LastError { get; init; }

    /// <summary>When health or breaker state last changed (not every sample).</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    public static BackendSnapshot Initial(BackendDefinition definition) =>
        new(definition, BackendHealth.Unknown, BreakerState.Closed, 0, null, null, default, 0, DateTimeOffset.UtcNow);
}

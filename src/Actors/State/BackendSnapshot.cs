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

    public static BackendSnapshot Initial(BackendDefinition definition) =>
        new(definition, BackendHealth.Unknown, BreakerState.Closed, 0, null, null, default, 0, DateTimeOffset.UtcNow);
}

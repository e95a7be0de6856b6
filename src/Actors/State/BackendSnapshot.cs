using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.State;

/// <summary>
/// An immutable view of one backend, published by its <c>BackendActor</c>. <see cref="Totals"/> are
/// the counters as last sampled: a restarted actor resumes from them without double counting.
/// </summary>
public sealed record BackendSnapshot(
    BackendDefinition Definition,
    BackendHealth Health,
    CounterSample Totals,
    double LatencyEwmaMs,
    DateTimeOffset UpdatedAt)
{
    public bool Routable => Health != BackendHealth.Unhealthy;

    public static BackendSnapshot Initial(BackendDefinition definition) =>
        new(definition, BackendHealth.Unknown, default, 0, DateTimeOffset.UtcNow);
}

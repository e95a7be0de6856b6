using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.State;

/// <summary>An immutable view of one backend, published by its <c>BackendActor</c>.</summary>
public sealed record BackendSnapshot(
    BackendDefinition Definition,
    BackendHealth Health,
    long Requests,
    long Responses2xx,
    long Responses3xx,
    long Responses4xx,
    long Responses5xx,
    long ConnectionErrors,
    long Timeouts,
    double LatencyEwmaMs,
    DateTimeOffset UpdatedAt)
{
    public bool Routable => Health != BackendHealth.Unhealthy;

    public static BackendSnapshot Initial(BackendDefinition definition) =>
        new(definition, BackendHealth.Unknown, 0, 0, 0, 0, 0, 0, 0, 0, DateTimeOffset.UtcNow);
}

namespace FlowBalance.Actors.Configuration;

/// <summary><c>passiveHealthChecks { circuit_breaker { } }</c>.</summary>
public sealed record CircuitBreakerOptions(
    int FailureThreshold,
    TimeSpan RecoveryTimeout,
    double ErrorRateThreshold)
{
    public static readonly CircuitBreakerOptions Default = new(
        FailureThreshold: 3,
        RecoveryTimeout: TimeSpan.FromMilliseconds(60_000),
        ErrorRateThreshold: 50);
}

using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>passiveHealthChecks { circuit_breaker { } }</c>: opens after <see cref="FailureThreshold"/>
/// consecutive failures, or when at least <see cref="ErrorRateMinRequests"/> requests in the last
/// <see cref="ErrorRateWindow"/> failed at <see cref="ErrorRateThreshold"/> percent or more.
/// </summary>
public sealed record CircuitBreakerOptions(
    int FailureThreshold,
    TimeSpan RecoveryTimeout,
    double ErrorRateThreshold,
    TimeSpan ErrorRateWindow,
    int ErrorRateMinRequests,
    ImmutableArray<int> FailureStatuses)
{
    /// <summary>The open period grows with consecutive ejections up to this many recovery timeouts.</summary>
    public const int MaxEjectionMultiplier = 10;

    public static readonly CircuitBreakerOptions Default = new(
        FailureThreshold: 3,
        RecoveryTimeout: TimeSpan.FromMilliseconds(60_000),
        ErrorRateThreshold: 50,
        ErrorRateWindow: TimeSpan.FromSeconds(10),
        ErrorRateMinRequests: 20,
        FailureStatuses: [502, 503, 504]);

    public bool IsFailureStatus(int status) => FailureStatuses.Contains(status);

    // By value (ImmutableArray compares by reference), so a reload can tell a changed setting from an unchanged one.
    public bool Equals(CircuitBreakerOptions? other) =>
        other is not null && FailureThreshold == other.FailureThreshold && RecoveryTimeout == other.RecoveryTimeout
        && ErrorRateThreshold.Equals(other.ErrorRateThreshold) && ErrorRateWindow == other.ErrorRateWindow
        && ErrorRateMinRequests == other.ErrorRateMinRequests && FailureStatuses.SequenceEqual(other.FailureStatuses);

    public override int GetHashCode() => HashCode.Combine(FailureThreshold, RecoveryTimeout, ErrorRateThreshold, FailureStatuses.Length);
}

using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.Health;

/// <summary>
/// How long an opened breaker stays open: <c>recovery_timeout × n</c> for the n-th consecutive
/// ejection, capped at <see cref="CircuitBreakerOptions.MaxEjectionMultiplier"/>, with ±10% jitter
/// so that backends ejected together do not all come back in the same instant.
/// </summary>
public static class EjectionPolicy
{
    public static TimeSpan OpenDuration(TimeSpan recoveryTimeout, int ejections, Random random)
    {
        var multiplier = Math.Clamp(ejections, 1, CircuitBreakerOptions.MaxEjectionMultiplier);
        var jitter = 0.9 + random.NextDouble() * 0.2;
        return TimeSpan.FromTicks((long)(recoveryTimeout.Ticks * multiplier * jitter));
    }
}

namespace FlowBalance.Actors.State;

/// <summary>The names states have in events, metrics and the status API (a contract: healthy | unhealthy | unknown, closed | open | half_open).</summary>
public static class StateNames
{
    public static string Of(BackendHealth health) => health switch
    {
        BackendHealth.Healthy => "healthy",
        BackendHealth.Unhealthy => "unhealthy",
        _ => "unknown",
    };

    public static string Of(BreakerState state) => state switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "closed",
    };
}

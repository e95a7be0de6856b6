namespace FlowBalance.Actors.State;

/// <summary>The circuit breaker of one backend.</summary>
public enum BreakerState
{
    Closed,
    /// <summary>No traffic until the open period ends.</summary>
    Open,
    /// <summary>One trial request (or probe) at a time decides between closed and open.</summary>
    HalfOpen,
}

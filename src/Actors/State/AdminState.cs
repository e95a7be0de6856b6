namespace FlowBalance.Actors.State;

/// <summary>An operator's say over a backend, beside health and breaker: in rotation, on its way out, or out.</summary>
public enum AdminState
{
    Enabled,
    Draining,
    Disabled,
}

namespace FlowBalance.Actors.State;

/// <summary>The names states have in events, metrics and the status API (a contract: healthy | unhealthy | unknown | draining | disabled, closed | open | half_open).</summary>
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

    /// <summary>The admin state: enabled | draining | disabled.</summary>
    public static string Of(AdminState state) => state switch
    {
        AdminState.Draining => "draining",
        AdminState.Disabled => "disabled",
        _ => "enabled",
    };

    /// <summary>The state the status API and metrics report: draining or disabled when the operator said so, else the health.</summary>
    public static string Of(BackendSlot slot) => slot.Admin.State == AdminState.Enabled ? Of(slot.Current.Health) : Of(slot.Admin.State);
}

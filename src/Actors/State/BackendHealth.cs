namespace FlowBalance.Actors.State;

/// <summary>What the backend's actor currently believes about it.</summary>
public enum BackendHealth
{
    /// <summary>Not probed yet: routable, so a fresh start serves traffic at once.</summary>
    Unknown,
    Healthy,
    Unhealthy,
}

namespace FlowBalance.Plugins.Abstractions;

/// <summary>A read-only view of routing state; every call returns a fresh copy of the current state.</summary>
public interface IRoutingView
{
    /// <summary>The names of the services currently routed.</summary>
    IReadOnlyList<string> Services { get; }

    /// <summary>The backends of <paramref name="service"/> as they are now; empty for an unknown service.</summary>
    IReadOnlyList<BackendView> GetBackends(string service);
}

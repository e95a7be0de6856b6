using FlowBalance.Actors.State;
using FlowBalance.Plugins.Abstractions;

namespace FlowBalance.Host.Plugins;

/// <summary>Plugins' read-only window on routing state: copies of the published snapshots, never an actor.</summary>
public sealed class RoutingView(RoutingTableStore routes) : IRoutingView
{
    public IReadOnlyList<string> Services => [.. routes.Current.Services.Select(s => s.Definition.Name)];

    public IReadOnlyList<BackendView> GetBackends(string service)
    {
        var slot = routes.Current.Services.FirstOrDefault(s => s.Definition.Name.Equals(service, StringComparison.OrdinalIgnoreCase));
        if (slot is null) return [];
        return [.. slot.Current.All.Select(View)];
    }

    private static BackendView View(BackendSlot backend)
    {
        var snapshot = backend.Current;
        return new BackendView(
            backend.Definition.Id,
            backend.Definition.Url,
            backend.Definition.Weight,
            snapshot.Health.ToString().ToLowerInvariant(),
            snapshot.Breaker == BreakerState.HalfOpen ? "half-open" : snapshot.Breaker.ToString().ToLowerInvariant(),
            snapshot.Routable,
            backend.Counters.InFlight,
            snapshot.LatencyEwmaMs);
    }
}

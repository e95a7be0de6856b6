using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.State;

/// <summary>
/// One per service: the request path reads <see cref="Current"/> (every backend) and
/// <see cref="Routing"/> (pools, affinity); only the service's router actor publishes them.
/// </summary>
public sealed class ServiceSlot
{
    private volatile RoutingSnapshot _current;
    private volatile ServiceRouting _routing;

    public ServiceSlot(ServiceDefinition definition, ServiceSlot? previous = null)
    {
        Definition = definition;
        var secret = definition.Settings.LoadBalancer.SessionAffinity.Secret;
        ImmutableArray<BackendSlot> backends = [.. definition.Backends.Select(b =>
        {
            var settings = definition.SettingsFor(b);
            var slot = Reusable(previous, definition, b) ?? new BackendSlot(b, settings.CircuitBreaker, settings.ConnectionLimit(b));
            slot.AffinityToken = AffinityTokens.For(secret, definition.Name, b.Id);
            return slot;
        })];
        // Only a service with a max_connections somewhere has a wait queue; its limited backends wake it.
        Queue = backends.Any(s => s.ConnectionLimit > 0) ? new ConnectionQueue(definition.Settings.MaxQueue) : null;
        foreach (var slot in backends) slot.Queue = Queue;
        _current = RoutingSnapshot.From(backends, definition.Settings.PanicThreshold, Algorithm);
        _routing = ServiceRouting.Build(definition, backends, previous: null);
    }

    public ServiceDefinition Definition { get; }

    public PickAlgorithm Algorithm => PickAlgorithms.Parse(Definition.Settings.LoadBalancer.Algorithm);

    public RetryBudget Retries { get; } = new();

    /// <summary>Requests waiting for room under <c>max_connections</c>; null when no backend has a limit.</summary>
    public ConnectionQueue? Queue { get; }

    /// <summary>Whether some backend is at its <c>max_connections</c> (so a request that found none may wait for room).</summary>
    public bool AnyFull
    {
        get
        {
            foreach (var slot in Backends)
            {
                if (slot.IsFull) return true;
            }
            return false;
        }
    }

    /// <summary>Every backend of the service (all pools): for status, and to know when every backend was tried.</summary>
    public RoutingSnapshot Current => _current;

    public ServiceRouting Routing => _routing;

    public ImmutableArray<BackendSlot> Backends => _current.All;

    /// <summary>
    /// The running slot of <paramref name="backend"/> when a reload can keep it (and its actor, health
    /// and breaker state): same id, same URL, same health-check, breaker and slow-start settings. A changed weight is applied to it.
    /// </summary>
    private static BackendSlot? Reusable(ServiceSlot? previous, ServiceDefinition definition, BackendDefinition backend)
    {
        var running = previous?.Backends.FirstOrDefault(s => s.Definition.Id == backend.Id);
        if (running is null || running.Definition.Url != backend.Url
            || !SameBackendSettings(previous!.Definition.SettingsFor(running.Definition), definition.SettingsFor(backend))) return null;
        if (running.Definition != backend) running.Redefine(backend);
        running.Relimit(definition.SettingsFor(backend).ConnectionLimit(backend));
        return running;
    }

    /// <summary>What a BackendActor runs with (health checks, breaker, slow start); other settings do not touch it.</summary>
    private static bool SameBackendSettings(ServiceSettings a, ServiceSettings b) =>
        a.ActiveHealthChecks == b.ActiveHealthChecks && a.CircuitBreaker == b.CircuitBreaker && a.SlowStart == b.SlowStart;

    /// <summary>The backend for a request (see <see cref="ServiceRouting.Pick"/>).</summary>
    public BackendSlot? Pick(in RouteKey key, out Admission admission, IReadOnlyList<BackendSlot>? tried = null) =>
        _routing.Pick(key, out admission, tried);

    /// <summary>The backend for a request, and why it was chosen (see <see cref="ServiceRouting.Pick(in RouteKey, out Admission, out BackendChoice, IReadOnlyList{BackendSlot})"/>).</summary>
    public BackendSlot? Pick(in RouteKey key, out Admission admission, out BackendChoice choice, IReadOnlyList<BackendSlot>? tried = null) =>
        _routing.Pick(key, out admission, out choice, tried);

    /// <summary>Rebuilds both views from the backends' current states; called by the router actor only.</summary>
    internal RoutingSnapshot Refresh()
    {
        var next = RoutingSnapshot.From(Backends, Definition.Settings.PanicThreshold, Algorithm);
        _routing = ServiceRouting.Build(Definition, Backends, _routing);
        _current = next;
        return next;
    }
}

using System.Collections.Immutable;
using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.State;

/// <summary>One per service: the request path reads <see cref="Current"/>; only the service's router actor publishes.</summary>
public sealed class ServiceSlot
{
    private volatile RoutingSnapshot _current;

    public ServiceSlot(ServiceDefinition definition)
    {
        Definition = definition;
        _current = RoutingSnapshot.From(
            [.. definition.Backends.Select(b => new BackendSlot(b, definition.Settings.CircuitBreaker))], definition.Settings.PanicThreshold);
    }

    public ServiceDefinition Definition { get; }

    public RetryBudget Retries { get; } = new();

    public RoutingSnapshot Current => _current;

    public ImmutableArray<BackendSlot> Backends => _current.All;

    internal void Publish(RoutingSnapshot next) => _current = next;
}

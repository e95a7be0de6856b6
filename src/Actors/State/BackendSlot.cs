using FlowBalance.Actors.Configuration;

namespace FlowBalance.Actors.State;

/// <summary>
/// One per backend, created when the backend is added and outliving its actor: the request path
/// reads <see cref="Current"/> and writes <see cref="Counters"/>; only the BackendActor publishes.
/// </summary>
public sealed class BackendSlot(BackendDefinition definition)
{
    private volatile BackendSnapshot _current = BackendSnapshot.Initial(definition);

    public BackendDefinition Definition { get; } = definition;

    public BackendCounters Counters { get; } = new();

    public BackendSnapshot Current => _current;

    internal void Publish(BackendSnapshot next) => _current = next;
}

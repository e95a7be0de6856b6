using Akka.Actor;

namespace FlowBalance.Actors.Events;

/// <summary>
/// Publishes <see cref="FlowEvent"/>s on an actor system's event stream, stamped with this node's
/// name. An Akka extension so every actor (and the host) publishes the same way.
/// </summary>
public sealed class FlowEvents : IExtension
{
    /// <summary>This node's name in every event; the machine's name unless the host sets one.</summary>
    public string Node { get; set; } = Environment.MachineName;

    private readonly ActorSystem _system;

    public FlowEvents(ActorSystem system) => _system = system;

    public static FlowEvents For(ActorSystem system) => system.WithExtension<FlowEvents, FlowEventsId>();

    public static void Publish(ActorSystem system, FlowEvent change) => For(system).Publish(change);

    public void Publish(FlowEvent change) => _system.EventStream.Publish(change with { Node = Node });
}

public sealed class FlowEventsId : ExtensionIdProvider<FlowEvents>
{
    public override FlowEvents CreateExtension(ExtendedActorSystem system) => new(system);
}

using System.Collections.Immutable;
using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// The router of one service and the supervisor of its BackendActors. Whenever a backend's
/// routability changes it publishes a new immutable <see cref="RoutingSnapshot"/> to the slot the
/// request path reads, and announces it on the event stream.
/// </summary>
public sealed class ServiceActor : ReceiveActor
{
    // Protocol
    public sealed record GetStatus { public static readonly GetStatus Instance = new(); } // -> ServiceStatus
    public sealed record ServiceStatus(string Name, string? Hostname, ImmutableArray<BackendSnapshot> Backends, int Routable);
    // Events (event stream)
    public sealed record RoutingPublished(string Service, ImmutableArray<string> RoutableBackends);

    private readonly ServiceSlot _slot;

    public ServiceActor(ServiceSlot slot, TimeSpan sampleInterval)
    {
        _slot = slot;
        foreach (var backend in slot.Backends)
        {
            Context.ActorOf(BackendActor.Props(backend, sampleInterval), ActorNames.Backend(backend.Definition.Id));
        }
        Receive<BackendActor.RoutabilityChanged>(_ => Republish());
        Receive<GetStatus>(_ => Sender.Tell(Status()));
    }

    public static Props Props(ServiceSlot slot, TimeSpan sampleInterval) =>
        Akka.Actor.Props.Create(() => new ServiceActor(slot, sampleInterval));

    // A failing BackendActor is restarted alone; its slot (and so its state) survives.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), decider: Decider.From(Directive.Restart));

    private void Republish()
    {
        var next = RoutingSnapshot.From(_slot.Backends);
        _slot.Publish(next);
        Context.System.EventStream.Publish(new RoutingPublished(_slot.Definition.Name, [.. next.Routable.Select(b => b.Definition.Id)]));
    }

    private ServiceStatus Status()
    {
        var current = _slot.Current;
        return new ServiceStatus(_slot.Definition.Name, _slot.Definition.Hostname,
            [.. current.All.Select(b => b.Current)], current.Routable.Length);
    }
}

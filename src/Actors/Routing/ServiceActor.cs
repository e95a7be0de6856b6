using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Health;
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
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public ServiceActor(ServiceSlot slot, IHealthProber prober, TimeSpan sampleInterval)
    {
        _slot = slot;
        var definition = slot.Definition;
        foreach (var backend in slot.Backends)
        {
            var actor = Context.ActorOf(BackendActor.Props(backend, definition.Name, definition.SettingsFor(backend.Definition), prober, sampleInterval),
                ActorNames.Backend(backend.Definition.Id));
            // Attached before the child even starts: a failure reported now waits in its mailbox instead of being lost.
            backend.Attach(actor);
        }
        Receive<BackendActor.RoutabilityChanged>(_ => Republish());
        Receive<GetStatus>(_ => Sender.Tell(Status()));
    }

    public static Props Props(ServiceSlot slot, IHealthProber prober, TimeSpan sampleInterval) =>
        Akka.Actor.Props.Create(() => new ServiceActor(slot, prober, sampleInterval));

    // A failing BackendActor is restarted alone; its slot (and so its state) survives.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), decider: Decider.From(Directive.Restart));

    private void Republish()
    {
        var previous = _slot.Current;
        var next = _slot.Refresh();
        if (next.Routable.IsEmpty && !previous.Routable.IsEmpty)
        {
            _log.Warning("service {0}: no backend is routable; each request tries the least recently failed backend", _slot.Definition.Name);
        }
        if (next.Panic != previous.Panic)
        {
            _log.Warning("service {0}: {1} panic mode ({2} of {3} backends routable, panic_threshold {4}%)", _slot.Definition.Name,
                next.Panic ? "entering" : "leaving", next.Routable.Length, next.All.Length, _slot.Definition.Settings.PanicThreshold);
        }
        Context.System.EventStream.Publish(new RoutingPublished(_slot.Definition.Name, [.. next.Routable.Select(b => b.Definition.Id)]));
    }

    private ServiceStatus Status()
    {
        var current = _slot.Current;
        return new ServiceStatus(_slot.Definition.Name, _slot.Definition.Hostname,
            [.. current.All.Select(b => b.Current)], current.Routable.Length);
    }
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// The router of one service and the supervisor of its BackendActors. Whenever a backend's
/// routability changes it publishes a new immutable routing (snapshot + pools) to the slot the
/// request path reads, and announces it on the event stream. On a config reload it moves to the
/// service's new slot: kept backends keep their actors, new ones get actors, removed ones drain
/// (their in-flight requests finish) and then stop.
/// </summary>
public sealed class ServiceActor : ReceiveActor, IWithTimers
{
    // Protocol
    public sealed record GetStatus { public static readonly GetStatus Instance = new(); } // -> ServiceStatus
    public sealed record ServiceStatus(string Name, string? Hostname, ImmutableArray<BackendSnapshot> Backends, int Routable);
    public sealed record UpdateService(ServiceSlot Slot); // -> Ready once the new slot's backends have actors
    public sealed record Retire { public static readonly Retire Instance = new(); } // drain everything, then stop
    public sealed record Ready(string Service);
    // Events (event stream)
    public sealed record RoutingPublished(string Service, ImmutableArray<string> RoutableBackends);
    // Internal
    private sealed record DrainDue { public static readonly DrainDue Instance = new(); }

    private static readonly TimeSpan DrainCheck = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDrain = TimeSpan.FromMinutes(5);

    private readonly IHealthProber _prober;
    private readonly TimeSpan _sampleInterval;
    private readonly Dictionary<BackendSlot, IActorRef> _children = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<BackendSlot, (IActorRef Actor, long DeadlineMs)> _draining = new(ReferenceEqualityComparer.Instance);
    private readonly StrongBox<ServiceSlot> _current;
    private int _generation;
    private bool _retiring;

    public ServiceActor(StrongBox<ServiceSlot> current, IHealthProber prober, TimeSpan sampleInterval)
    {
        _current = current;
        _prober = prober;
        _sampleInterval = sampleInterval;
        StartChildren();
        Context.Parent.Tell(new Ready(Slot.Definition.Name));
        Receive<BackendActor.RoutabilityChanged>(_ => Republish());
        Receive<GetStatus>(_ => Sender.Tell(Status()));
        Receive<UpdateService>(Update);
        Receive<Retire>(_ =>
        {
            _retiring = true;
            foreach (var backend in _children.Keys.ToList()) Drain(backend);
            CheckDrains();
        });
        Receive<DrainDue>(_ => CheckDrains());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ServiceSlot slot, IHealthProber prober, TimeSpan sampleInterval)
    {
        // Shared by every incarnation: a restart after a reload resumes the service's latest slot, not its first.
        var current = new StrongBox<ServiceSlot>(slot);
        return Akka.Actor.Props.Create(() => new ServiceActor(current, prober, sampleInterval));
    }

    /// <summary>The slot the service routes with now; kept outside the actor so a restart resumes it.</summary>
    private ServiceSlot Slot
    {
        get => _current.Value!;
        set => _current.Value = value;
    }

    // A failing BackendActor is restarted alone; its slot (and so its state) survives.
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), decider: Decider.From(Directive.Restart));

    private void StartChildren()
    {
        var definition = Slot.Definition;
        foreach (var backend in Slot.Backends)
        {
            if (_children.ContainsKey(backend)) continue;
            // A backend replaced on reload may still be draining under its name: the new actor gets a fresh one.
            var name = ActorNames.Backend(backend.Definition.Id);
            if (!Context.Child(name).IsNobody() || _draining.Keys.Any(d => d.Definition.Id == backend.Definition.Id)) name += $"~{++_generation}";
            var actor = Context.ActorOf(BackendActor.Props(backend, definition.Name, definition.SettingsFor(backend.Definition), _prober, _sampleInterval), name);
            // Attached before the child even starts: a failure reported now waits in its mailbox instead of being lost.
            backend.Attach(actor);
            _children[backend] = actor;
        }
    }

    private void Update(UpdateService update)
    {
        var kept = update.Slot.Backends.ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var removed in _children.Keys.Where(b => !kept.Contains(b)).ToList()) Drain(removed);
        Slot = update.Slot;
        StartChildren();
        Republish();
        CheckDrains();
        Sender.Tell(new Ready(Slot.Definition.Name));
    }

    /// <summary>Takes a backend out of the actor's care: no new requests reach it (it is not in the new slot); stopped once idle.</summary>
    private void Drain(BackendSlot backend)
    {
        if (!_children.Remove(backend, out var actor)) return;
        var deadline = Environment.TickCount64 + (long)Math.Min(MaxDrain.TotalMilliseconds, Slot.Definition.Settings.RequestTimeout.TotalMilliseconds);
        _draining[backend] = (actor, deadline);
        Announce(backend, new DrainChanged(true, backend.Counters.InFlight)
        {
            From = "routing", To = "draining", Reason = _retiring ? "its service was removed" : "removed from the configuration",
        });
    }

    private void CheckDrains()
    {
        var now = Environment.TickCount64;
        foreach (var (backend, (actor, deadline)) in _draining.ToList())
        {
            var inFlight = backend.Counters.InFlight;
            if (inFlight > 0 && now < deadline) continue;
            Announce(backend, new DrainChanged(false, inFlight)
            {
                From = "draining", To = "stopped",
                Reason = inFlight == 0 ? "no request in flight" : $"drain deadline passed with {inFlight} request(s) in flight",
            });
            backend.Detach();
            Context.Stop(actor);
            _draining.Remove(backend);
        }
        if (_draining.Count == 0)
        {
            Timers.Cancel("drain");
            if (_retiring) Context.Stop(Self);
        }
        else if (!Timers.IsTimerActive("drain"))
        {
            Timers.StartPeriodicTimer("drain", DrainDue.Instance, DrainCheck);
        }
    }

    private void Republish()
    {
        if (_retiring) return;
        var previous = Slot.Current;
        var next = Slot.Refresh();
        if (next.Routable.IsEmpty != previous.Routable.IsEmpty && !next.All.IsEmpty)
        {
            var allDown = next.Routable.IsEmpty;
            Announce(null, new ServiceAvailabilityChanged(allDown, next.Routable.Length, next.All.Length)
            {
                From = allDown ? "available" : "all_down", To = allDown ? "all_down" : "available",
                Reason = allDown ? "no backend is routable" : $"{next.Routable.Length} of {next.All.Length} backends routable",
            });
        }
        if (next.Panic != previous.Panic)
        {
            Announce(null, new PanicChanged(next.Panic, next.Routable.Length, next.All.Length, Slot.Definition.Settings.PanicThreshold)
            {
                From = next.Panic ? "normal" : "panic", To = next.Panic ? "panic" : "normal",
                Reason = $"{next.Routable.Length} of {next.All.Length} backends routable",
            });
        }
        Context.System.EventStream.Publish(new RoutingPublished(Slot.Definition.Name, [.. next.Routable.Select(b => b.Definition.Id)]));
    }

    private void Announce(BackendSlot? backend, FlowEvent announcement) => FlowEvents.Publish(Context.System, announcement with
    {
        Service = Slot.Definition.Name, Backend = backend?.Definition.Id, Url = backend?.Definition.Url.ToString(),
    });

    private ServiceStatus Status()
    {
        var current = Slot.Current;
        return new ServiceStatus(Slot.Definition.Name, Slot.Definition.Hostname,
            [.. current.All.Select(b => b.Current)], current.Routable.Length);
    }
}

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Akka.Actor;
using FlowBalance.Actors.Backends;
using FlowBalance.Actors.Configuration;
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
    /// <summary>An operator's action on one backend (merged into its override); <c>Force</c> passes the capacity guard. -> OverrideApplied | OverrideRefused | UnknownBackend</summary>
    public sealed record SetOverride(string Service, string BackendId, AdminOverride Change, bool Force);
    public sealed record ClearOverride(string Service, string BackendId); // -> OverrideApplied | UnknownBackend
    public sealed record OverrideApplied(string Service, string BackendId, AdminOverride Before, AdminOverride After);
    public sealed record OverrideRefused(string Service, string BackendId, string Scope, int RoutableNow, int RoutableAfter, int MinRoutable);
    public sealed record UnknownBackend(string Service, string BackendId);
    /// <summary>To the parent whenever the service's overrides change, so a re-created service actor starts with them.</summary>
    public sealed record OverridesChanged(string Service, ImmutableDictionary<string, AdminOverride> Overrides);
    // Events (event stream)
    public sealed record RoutingPublished(string Service, ImmutableArray<string> RoutableBackends);
    // Internal
    private sealed record DrainDue { public static readonly DrainDue Instance = new(); }
    private sealed record AdminDrainDue { public static readonly AdminDrainDue Instance = new(); }

    private static readonly TimeSpan DrainCheck = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDrain = TimeSpan.FromMinutes(5);

    private readonly IHealthProber _prober;
    private readonly TimeSpan _sampleInterval;
    private readonly Dictionary<BackendSlot, IActorRef> _children = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<BackendSlot, (IActorRef Actor, long DeadlineMs)> _draining = new(ReferenceEqualityComparer.Instance);
    private readonly StrongBox<ServiceSlot> _current;
    private readonly StrongBox<ImmutableDictionary<string, AdminOverride>> _overrides;
    /// <summary>Per draining backend of a cookie-affinity service: its request count when last seen moving, and when.</summary>
    private readonly Dictionary<BackendSlot, (long Requests, DateTimeOffset Since)> _sessions = new(ReferenceEqualityComparer.Instance);
    private int _generation;
    private bool _retiring;

    public ServiceActor(StrongBox<ServiceSlot> current, StrongBox<ImmutableDictionary<string, AdminOverride>> overrides, IHealthProber prober, TimeSpan sampleInterval)
    {
        _current = current;
        _overrides = overrides;
        _prober = prober;
        _sampleInterval = sampleInterval;
        StartChildren();
        if (ApplyOverrides()) Slot.Refresh();
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
        Receive<SetOverride>(Handle);
        Receive<ClearOverride>(Handle);
        Receive<AdminDrainDue>(_ => CheckAdminDrains());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ServiceSlot slot, IHealthProber prober, TimeSpan sampleInterval, ImmutableDictionary<string, AdminOverride>? overrides = null)
    {
        // Shared by every incarnation: a restart after a reload resumes the service's latest slot (and overrides), not its first.
        var current = new StrongBox<ServiceSlot>(slot);
        var kept = new StrongBox<ImmutableDictionary<string, AdminOverride>>(overrides ?? ImmutableDictionary<string, AdminOverride>.Empty);
        return Akka.Actor.Props.Create(() => new ServiceActor(current, kept, prober, sampleInterval));
    }

    protected override void PreStart()
    {
        if (Slot.Backends.Any(b => b.Admin.State == AdminState.Draining)) Timers.StartPeriodicTimer("admin-drain", AdminDrainDue.Instance, DrainCheck);
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
        // Overrides follow the backend id across a reload; those of backends that are gone go with them.
        var ids = Slot.Backends.Select(b => b.Definition.Id).ToHashSet(StringComparer.Ordinal);
        var gone = _overrides.Value!.Keys.Where(id => !ids.Contains(id)).ToList();
        if (gone.Count > 0) SaveOverrides(_overrides.Value!.RemoveRange(gone));
        ApplyOverrides();
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

    private void Handle(SetOverride set)
    {
        if (Find(set.BackendId) is not { } backend)
        {
            Sender.Tell(new UnknownBackend(set.Service, set.BackendId));
            return;
        }
        var before = _overrides.Value!.GetValueOrDefault(backend.Definition.Id, AdminOverride.None);
        var after = before.With(set.Change);
        if (!set.Force && CapacityGuard.Check(Slot.Definition, Slot.Backends, backend, after.State ?? AdminState.Enabled) is { } refused)
        {
            Sender.Tell(new OverrideRefused(set.Service, set.BackendId, refused.Scope, refused.Now, refused.After, refused.Min));
            return;
        }
        SaveOverrides(_overrides.Value!.SetItem(backend.Definition.Id, after));
        Apply(backend, after, set.Force ? "admin action (forced past the capacity guard)" : "admin action");
        EnsureAdminDrainTimer();
        Republish();
        Sender.Tell(new OverrideApplied(set.Service, set.BackendId, before, after));
    }

    private void Handle(ClearOverride clear)
    {
        if (Find(clear.BackendId) is not { } backend)
        {
            Sender.Tell(new UnknownBackend(clear.Service, clear.BackendId));
            return;
        }
        var before = _overrides.Value!.GetValueOrDefault(backend.Definition.Id, AdminOverride.None);
        SaveOverrides(_overrides.Value!.Remove(backend.Definition.Id));
        Apply(backend, AdminOverride.None, "override cleared");
        Republish();
        Sender.Tell(new OverrideApplied(clear.Service, clear.BackendId, before, AdminOverride.None));
    }

    private BackendSlot? Find(string id) => _retiring ? null : Slot.Backends.FirstOrDefault(b => b.Definition.Id == id);

    private void SaveOverrides(ImmutableDictionary<string, AdminOverride> overrides)
    {
        _overrides.Value = overrides;
        Context.Parent.Tell(new OverridesChanged(Slot.Definition.Name, overrides));
    }

    /// <summary>Puts the kept overrides on the slot's backends (new ones after a reload); true when one changed.</summary>
    private bool ApplyOverrides()
    {
        var changed = false;
        foreach (var backend in Slot.Backends)
        {
            var wanted = _overrides.Value!.GetValueOrDefault(backend.Definition.Id, AdminOverride.None);
            if (backend.Admin.Override == wanted) continue;
            Apply(backend, wanted, "override restored");
            changed = true;
        }
        return changed;
    }

    /// <summary>Publishes the admin state <paramref name="wanted"/> puts the backend in; a drain starts (or goes on) here.</summary>
    private void Apply(BackendSlot backend, AdminOverride wanted, string reason)
    {
        var before = backend.Admin;
        var state = wanted.State ?? AdminState.Enabled;
        if (state == AdminState.Draining && before.Override.State == AdminState.Draining && before.State != AdminState.Enabled)
        {
            backend.SetAdmin(before with { Override = wanted }); // a drain under way (or over) goes on: only the weight changed
            return;
        }
        if (before.State == AdminState.Draining)
        {
            Announce(backend, new DrainChanged(false, backend.Counters.InFlight) { From = "draining", To = StateNames.Of(state), Reason = $"drain cancelled: {reason}" });
            _sessions.Remove(backend);
        }
        if (state != AdminState.Draining)
        {
            backend.SetAdmin(new BackendAdmin(wanted, state));
            return;
        }
        var now = DateTimeOffset.UtcNow;
        backend.SetAdmin(new BackendAdmin(wanted, AdminState.Draining, now, now + Slot.Definition.SettingsFor(backend.Definition).DrainTimeout));
        _sessions[backend] = (backend.Counters.Sample().Requests, now);
        Announce(backend, new DrainChanged(true, backend.Counters.InFlight) { From = StateNames.Of(before.State), To = "draining", Reason = reason });
    }

    private void EnsureAdminDrainTimer()
    {
        if (Slot.Backends.Any(b => b.Admin.State == AdminState.Draining) && !Timers.IsTimerActive("admin-drain"))
        {
            Timers.StartPeriodicTimer("admin-drain", AdminDrainDue.Instance, DrainCheck);
        }
    }

    /// <summary>Ends the admin drains that are over (<see cref="DrainRule"/>): the backend becomes disabled.</summary>
    private void CheckAdminDrains()
    {
        var now = DateTimeOffset.UtcNow;
        var cookies = Slot.Definition.Settings.LoadBalancer.SessionAffinity.Type == SessionAffinityOptions.Cookie;
        var finished = false;
        foreach (var backend in Slot.Backends.Where(b => b.Admin.State == AdminState.Draining))
        {
            var requests = backend.Counters.Sample().Requests;
            var seen = _sessions.GetValueOrDefault(backend, (Requests: requests, Since: now));
            if (requests != seen.Requests) seen = (Requests: requests, Since: now);
            _sessions[backend] = seen;
            var admin = backend.Admin;
            if (DrainRule.Finished(backend.Counters.InFlight, cookies, now, admin.DrainDeadline ?? now, now - seen.Since) is not { } reason) continue;
            backend.SetAdmin(admin with { State = AdminState.Disabled });
            _sessions.Remove(backend);
            Announce(backend, new DrainChanged(false, 0) { From = "draining", To = "disabled", Reason = reason });
            finished = true;
        }
        if (finished) Republish();
        if (!Slot.Backends.Any(b => b.Admin.State == AdminState.Draining)) Timers.Cancel("admin-drain");
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

using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Akka.Actor;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// Owns the set of services: creates one ServiceActor per service and publishes the routing table
/// (host → service slot) the request path reads. A new configuration is applied as a diff:
/// unchanged services are untouched, changed ones move to a new slot that keeps their unchanged
/// backends, added ones start, removed ones drain. The new table is published only once every
/// touched service has actors for its backends, so no request reaches a backend nobody watches.
/// </summary>
public sealed class ConfigActor : ReceiveActor, IWithStash
{
    // Protocol
    /// <summary>Source says where the configuration came from ("file changed", "SIGHUP"); it ends up in the config.applied event.</summary>
    public sealed record ApplyConfig(FlowBalanceOptions Options, string Source = "reload"); // -> ConfigApplied
    public sealed record ConfigApplied(ImmutableArray<string> Changes, ConfigSummary Summary);

    private readonly RoutingTableStore _store;
    private readonly TimeSpan _sampleInterval;
    private readonly IHealthProber _prober;
    private Dictionary<string, (ServiceSlot Slot, IActorRef Actor)> _services = new(StringComparer.Ordinal);
    private readonly StrongBox<FlowBalanceOptions> _latest;
    /// <summary>Each service's admin overrides as its actor last reported them: a service actor created again (restart, re-added) starts with them.</summary>
    private readonly StrongBox<ImmutableDictionary<string, ImmutableDictionary<string, AdminOverride>>> _overrides;
    private Pending? _pending;

    public ConfigActor(RoutingTableStore store, StrongBox<FlowBalanceOptions> latest, StrongBox<ImmutableDictionary<string, ImmutableDictionary<string, AdminOverride>>> overrides,
        IHealthProber prober, TimeSpan sampleInterval)
    {
        _overrides = overrides;
        _prober = prober;
        _store = store;
        _latest = latest;
        _sampleInterval = sampleInterval;
        Become(Idle);
        Apply(latest.Value!, "startup", replyTo: null); // after a restart: the last applied config, not the startup one
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(RoutingTableStore store, FlowBalanceOptions options, IHealthProber prober, TimeSpan sampleInterval)
    {
        var latest = new StrongBox<FlowBalanceOptions>(options); // shared by every incarnation of the actor
        var overrides = new StrongBox<ImmutableDictionary<string, ImmutableDictionary<string, AdminOverride>>>(ImmutableDictionary<string, ImmutableDictionary<string, AdminOverride>>.Empty);
        return Akka.Actor.Props.Create(() => new ConfigActor(store, latest, overrides, prober, sampleInterval));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), decider: Decider.From(Directive.Restart));

    private void Idle()
    {
        Admin();
        Receive<ApplyConfig>(apply => Apply(apply.Options, apply.Source, Sender));
        Receive<ServiceActor.Ready>(_ => { }); // a restarted service announcing itself
    }

    /// <summary>Admin actions go to their service's actor, which answers the sender; in either behaviour (a reload does not hold them up).</summary>
    private void Admin()
    {
        Receive<ServiceActor.SetOverride>(set => ToService(set.Service, set.BackendId, set));
        Receive<ServiceActor.ClearOverride>(clear => ToService(clear.Service, clear.BackendId, clear));
        Receive<ServiceActor.OverridesChanged>(changed =>
        {
            // Only the running actor of the service speaks for it (a retiring one under the same name does not).
            if (_services.TryGetValue(changed.Service, out var running) && running.Actor.Equals(Sender)) Remember(changed.Service, changed.Overrides);
        });
    }

    private void ToService(string service, string backendId, object message)
    {
        if (_services.TryGetValue(service, out var running)) running.Actor.Forward(message);
        else Sender.Tell(new ServiceActor.UnknownBackend(service, backendId));
    }

    private void Remember(string service, ImmutableDictionary<string, AdminOverride> overrides) =>
        _overrides.Value = overrides.IsEmpty ? _overrides.Value!.Remove(service) : _overrides.Value!.SetItem(service, overrides);

    /// <summary>Waiting for touched services to be ready; further reloads wait their turn.</summary>
    private void Applying()
    {
        Admin();
        Receive<ServiceActor.Ready>(_ =>
        {
            if (--_pending!.Waiting == 0) Publish();
        });
        Receive<ApplyConfig>(_ => Stash.Stash());
    }

    private void Apply(FlowBalanceOptions options, string source, IActorRef? replyTo)
    {
        _latest.Value = options;
        var changes = new List<string>();
        var count = new ChangeCount();
        var next = new Dictionary<string, (ServiceSlot Slot, IActorRef Actor)>(StringComparer.Ordinal);
        var waiting = 0;
        foreach (var definition in options.Services)
        {
            if (_services.TryGetValue(definition.Name, out var running))
            {
                if (running.Slot.Definition.SameAs(definition))
                {
                    next[definition.Name] = running;
                    continue;
                }
                var slot = new ServiceSlot(definition, running.Slot);
                running.Actor.Tell(new ServiceActor.UpdateService(slot));
                next[definition.Name] = (slot, running.Actor);
                changes.Add(Describe(running.Slot, slot, count));
                count.ServicesChanged++;
            }
            else
            {
                var slot = new ServiceSlot(definition);
                var actor = Context.ActorOf(ServiceActor.Props(slot, _prober, _sampleInterval, _overrides.Value!.GetValueOrDefault(definition.Name)),
                    ActorNames.Service(definition.Name) + Suffix(definition.Name));
                next[definition.Name] = (slot, actor);
                changes.Add($"service {definition.Name} added ({definition.Backends.Length} backends)");
                count.ServicesAdded++;
                count.BackendsAdded += definition.Backends.Length;
            }
            waiting++;
        }
        foreach (var (name, removed) in _services.Where(s => !next.ContainsKey(s.Key)))
        {
            removed.Actor.Tell(ServiceActor.Retire.Instance);
            Remember(name, ImmutableDictionary<string, AdminOverride>.Empty); // a reload keeps overrides only for backends that still exist
            changes.Add($"service {name} removed; its in-flight requests finish");
            count.ServicesRemoved++;
            count.BackendsRemoved += removed.Slot.Backends.Length;
        }
        _services = next;
        _pending = new Pending(waiting, replyTo, [.. changes], count.Summary, source);
        if (waiting == 0) Publish();
        else Become(Applying);
    }

    private void Publish()
    {
        _store.Publish(new RoutingTable(_services.Values.Select(s => s.Slot)));
        var done = _pending!;
        _pending = null;
        FlowEvents.Publish(Context.System, new ConfigChangeApplied(done.Summary, done.Changes) { Reason = done.Source });
        done.ReplyTo?.Tell(new ConfigApplied(done.Changes, done.Summary));
        Become(Idle);
        Stash.UnstashAll();
    }

    /// <summary>A service removed and added again in quick succession may still be draining under its name.</summary>
    private static string Suffix(string name) => Context.Child(ActorNames.Service(name)).IsNobody() ? "" : $"~{Guid.NewGuid():N}"[..9];

    private static string Describe(ServiceSlot before, ServiceSlot after, ChangeCount count)
    {
        var old = before.Backends.ToDictionary(b => b.Definition.Id);
        var now = after.Backends.ToDictionary(b => b.Definition.Id);
        var parts = new List<string>();
        foreach (var added in now.Keys.Where(id => !old.ContainsKey(id)))
        {
            parts.Add($"+{now[added].Definition.Url}");
            count.BackendsAdded++;
        }
        foreach (var removed in old.Keys.Where(id => !now.ContainsKey(id)))
        {
            parts.Add($"-{old[removed].Definition.Url}");
            count.BackendsRemoved++;
        }
        foreach (var id in now.Keys.Where(old.ContainsKey))
        {
            if (!ReferenceEquals(old[id], now[id])) parts.Add($"~{now[id].Definition.Url} (replaced: URL, health-check or breaker settings changed)");
            else if (before.Definition.Backends.First(b => b.Id == id).Weight != now[id].Definition.Weight) parts.Add($"{now[id].Definition.Url} weight {now[id].Definition.Weight}");
            else continue;
            count.BackendsChanged++;
        }
        if (parts.Count == 0) parts.Add("settings changed");
        return $"service {after.Definition.Name}: {string.Join(", ", parts)}";
    }

    private sealed class ChangeCount
    {
        public int ServicesAdded, ServicesRemoved, ServicesChanged, BackendsAdded, BackendsRemoved, BackendsChanged;

        public ConfigSummary Summary => new(ServicesAdded, ServicesRemoved, ServicesChanged, BackendsAdded, BackendsRemoved, BackendsChanged);
    }

    private sealed class Pending(int waiting, IActorRef? replyTo, ImmutableArray<string> changes, ConfigSummary summary, string source)
    {
        public ConfigSummary Summary { get; } = summary;

        public string Source { get; } = source;

        public int Waiting { get; set; } = waiting;

        public IActorRef? ReplyTo { get; } = replyTo;

        public ImmutableArray<string> Changes { get; } = changes;
    }
}

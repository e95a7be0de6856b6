using Akka.Actor;
using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Actors.Routing;

/// <summary>
/// Creates one ServiceActor per configured service and publishes the routing table (host → service
/// slot) that the request path reads. The table is published before this actor handles any message,
/// so the host can start listening as soon as <see cref="RoutingTableStore.Ready"/> completes.
/// </summary>
public sealed class ConfigActor : ReceiveActor
{
    private readonly RoutingTableStore _store;
    private readonly FlowBalanceOptions _options;
    private readonly TimeSpan _sampleInterval;
    private readonly IHealthProber _prober;

    public ConfigActor(RoutingTableStore store, FlowBalanceOptions options, IHealthProber prober, TimeSpan sampleInterval)
    {
        _prober = prober;
        _store = store;
        _options = options;
        _sampleInterval = sampleInterval;
    }

    public static Props Props(RoutingTableStore store, FlowBalanceOptions options, IHealthProber prober, TimeSpan sampleInterval) =>
        Akka.Actor.Props.Create(() => new ConfigActor(store, options, prober, sampleInterval));

    protected override void PreStart()
    {
        var slots = _options.Services.Select(s => new ServiceSlot(s)).ToList();
        foreach (var slot in slots)
        {
            Context.ActorOf(ServiceActor.Props(slot, _prober, _sampleInterval), ActorNames.Service(slot.Definition.Name));
        }
        _store.Publish(new RoutingTable(slots));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(maxNrOfRetries: 10, withinTimeRange: TimeSpan.FromMinutes(1), decider: Decider.From(Directive.Restart));
}

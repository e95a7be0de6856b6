using Akka.Actor;
using Akka.DistributedData;

namespace FlowBalance.Actors.Cluster;

/// <summary>
/// Tells the fleet about this node every <see cref="Interval"/> (its entry in the replicated <c>fb-nodes</c>
/// dictionary, written locally and spread by gossip) and publishes every node's latest summary into the
/// <see cref="ClusterViewStore"/>, so any node shows the whole fleet without asking anyone.
/// </summary>
public sealed class NodeSummaryActor : ReceiveActor, IWithTimers
{
    public static readonly LWWDictionaryKey<string, NodeSummary> Key = new("fb-nodes");

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly IActorRef _replicator = DistributedData.Get(Context.System).Replicator;

    public ITimerScheduler Timers { get; set; } = null!;

    public NodeSummaryActor(ClusterViewStore store, Func<NodeSummary> self)
    {
        Receive<Tell>(_ =>
        {
            var summary = self();
            _replicator.Tell(Dsl.Update(Key, LWWDictionary<string, NodeSummary>.Empty, WriteLocal.Instance, nodes => nodes.SetItem(_cluster, summary.Name, summary)));
        });
        Receive<Changed>(changed => store.PublishSummaries(changed.Get(Key).Entries));
        Receive<UpdateSuccess>(_ => { });
        Receive<IUpdateFailure>(_ => { }); // a local write does not fail but by a store error; the next tick writes again
    }

    public static Props Props(ClusterViewStore store, Func<NodeSummary> self) => Akka.Actor.Props.Create(() => new NodeSummaryActor(store, self));

    protected override void PreStart()
    {
        _replicator.Tell(Dsl.Subscribe(Key, Self));
        Timers.StartPeriodicTimer("tell", Tell.Instance, TimeSpan.Zero, Interval);
    }

    private sealed class Tell
    {
        public static readonly Tell Instance = new();
    }
}

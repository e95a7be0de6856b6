using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace FlowBalance.Actors.Cluster;

/// <summary>
/// Follows Akka.Cluster's membership and reachability events and publishes a <see cref="ClusterView"/> on each.
/// Node names and regions travel as roles (<c>node-&lt;name&gt;</c>, <c>region-&lt;region&gt;</c>), set by the host.
/// </summary>
public sealed class ClusterMembershipActor : ReceiveActor
{
    public const string NodeRolePrefix = "node-", RegionRolePrefix = "region-";

    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ClusterViewStore _store;
    private readonly int _incarnation;
    // Kept from the events themselves: Cluster.State is updated by another subscriber and may lag behind them.
    private readonly Dictionary<UniqueAddress, Member> _members = [];
    private readonly HashSet<UniqueAddress> _unreachable = [];

    public ClusterMembershipActor(ClusterViewStore store, int incarnation)
    {
        _store = store;
        _incarnation = incarnation;
        Receive<ClusterEvent.CurrentClusterState>(state =>
        {
            _members.Clear();
            _unreachable.Clear();
            foreach (var member in state.Members) _members[member.UniqueAddress] = member;
            foreach (var member in state.Unreachable)
            {
                _members[member.UniqueAddress] = member;
                _unreachable.Add(member.UniqueAddress);
            }
            Publish();
        });
        Receive<ClusterEvent.MemberRemoved>(removed =>
        {
            _members.Remove(removed.Member.UniqueAddress);
            _unreachable.Remove(removed.Member.UniqueAddress);
            Publish();
        });
        Receive<ClusterEvent.IMemberEvent>(changed =>
        {
            _members[changed.Member.UniqueAddress] = changed.Member;
            Publish();
        });
        Receive<ClusterEvent.UnreachableMember>(lost =>
        {
            _unreachable.Add(lost.Member.UniqueAddress);
            Publish();
        });
        Receive<ClusterEvent.ReachableMember>(back =>
        {
            _unreachable.Remove(back.Member.UniqueAddress);
            Publish();
        });
        // The others removed this node while it could not hear them (a long pause, a partition): this membership
        // is over even if its own view still lists them. The host then joins again as a new incarnation.
        Receive<Akka.Remote.ThisActorSystemQuarantinedEvent>(quarantined =>
        {
            Context.GetLogger().Warning("{0} removed this node from the cluster (quarantined it); ending this membership to join again", quarantined.RemoteAddress);
            CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClusterDowningReason.Instance);
        });
    }

    public static Props Props(ClusterViewStore store, int incarnation) => Akka.Actor.Props.Create(() => new ClusterMembershipActor(store, incarnation));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.ThisActorSystemQuarantinedEvent));
        Publish();
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
    }

    private void Publish()
    {
        var members = _members.Values.Select(m => Describe(m, !_unreachable.Contains(m.UniqueAddress)))
            .OrderBy(m => m.Region, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal)
            .ToImmutableArray();
        var self = _members.TryGetValue(_cluster.SelfUniqueAddress, out var me) && me.Status == MemberStatus.Up;
        _store.Publish(new ClusterView(members, HostPort(_cluster.SelfAddress), self, _incarnation));
    }

    private static ClusterMember Describe(Member member, bool reachable) => new(
        Role(member, NodeRolePrefix) ?? HostPort(member.Address),
        Role(member, RegionRolePrefix) ?? "",
        HostPort(member.Address),
        member.Status switch
        {
            MemberStatus.WeaklyUp => "weakly_up",
            var status => status.ToString().ToLowerInvariant(),
        },
        reachable,
        member.AppVersion.Version);

    private static string? Role(Member member, string prefix) =>
        member.Roles.FirstOrDefault(r => r.StartsWith(prefix, StringComparison.Ordinal)) is { } role ? role[prefix.Length..] : null;

    private static string HostPort(Address address) => $"{address.Host}:{address.Port}";
}

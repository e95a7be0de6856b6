using System.Collections.Immutable;

namespace FlowBalance.Actors.Cluster;

/// <summary>
/// One node as this node's cluster membership sees it: its name and region (its roles), <c>host:port</c>,
/// membership status (<c>joining</c>, <c>up</c>, <c>leaving</c>, <c>exiting</c>, <c>down</c>, <c>removed</c>,
/// <c>weakly_up</c>), whether this node's failure detector reaches it, and the version it runs.
/// </summary>
public sealed record ClusterMember(string Name, string Region, string Address, string Status, bool Reachable, string Version)
{
    /// <summary>What the status API and the dashboard say: the status, or <c>unreachable</c> when the failure detector lost it.</summary>
    public string State => Reachable ? Status : "unreachable";
}

/// <summary>
/// The membership this node sees, published whole on every change (the request path never reads it; the
/// status API, healthz and the dashboard do). <see cref="Incarnation"/> counts the clustered actor systems this
/// process has run: it grows each time a downed or separated node rejoins.
/// </summary>
public sealed record ClusterView(ImmutableArray<ClusterMember> Members, string Self, bool SelfUp, int Incarnation)
{
    public static readonly ClusterView None = new([], "", false, 0);
}

/// <summary>Holds the current <see cref="ClusterView"/>: swapped whole by the membership actor, read with a volatile load.</summary>
public sealed class ClusterViewStore
{
    private ClusterView _current = ClusterView.None;
    private ImmutableDictionary<string, NodeSummary> _summaries = ImmutableDictionary<string, NodeSummary>.Empty;
    private volatile bool _beenUp;

    public ClusterView Current => Volatile.Read(ref _current);

    /// <summary>Whether this process has been an Up member at all: it has caught up with the fleet once.</summary>
    public bool HasBeenUp => _beenUp;

    /// <summary>Every node's latest <see cref="NodeSummary"/> by node name, as gossip brought it here.</summary>
    public ImmutableDictionary<string, NodeSummary> Summaries => Volatile.Read(ref _summaries);

    public void PublishSummaries(IImmutableDictionary<string, NodeSummary> summaries) =>
        Interlocked.Exchange(ref _summaries, summaries.ToImmutableDictionary());

    public void Publish(ClusterView view)
    {
        if (view.SelfUp) _beenUp = true;
        Interlocked.Exchange(ref _current, view);
    }
}

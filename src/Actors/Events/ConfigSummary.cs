namespace FlowBalance.Actors.Events;

/// <summary>What a configuration change did, counted.</summary>
public sealed record ConfigSummary(int ServicesAdded, int ServicesRemoved, int ServicesChanged, int BackendsAdded, int BackendsRemoved, int BackendsChanged)
{
    public static readonly ConfigSummary None = new(0, 0, 0, 0, 0, 0);

    public bool IsEmpty => this == None;

    public override string ToString() => IsEmpty
        ? "no routing change"
        : $"services +{ServicesAdded} -{ServicesRemoved} ~{ServicesChanged}, backends +{BackendsAdded} -{BackendsRemoved} ~{BackendsChanged}";
}

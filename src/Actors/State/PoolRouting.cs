using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Routing;

namespace FlowBalance.Actors.State;

/// <summary>
/// One pool at one moment: its routing snapshot, its hash ring (only with header or IP affinity;
/// kept across snapshots: it changes only with membership), and the order in which pools are tried
/// when this one is chosen: itself, its fallback chain, then every other pool.
/// </summary>
public sealed record PoolRouting(PoolDefinition Definition, RoutingSnapshot Snapshot, HashRing? Ring, int[] Chain);

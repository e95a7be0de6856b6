namespace FlowBalance.Actors.Cluster;

/// <summary>
/// What a node tells the fleet about itself every few seconds (Akka.DistributedData key <c>fb-nodes</c>, one
/// entry per node, local writes spread by gossip): enough for any node's status API and dashboard to show every
/// node without asking it. Small on purpose: gossip carries whole values.
/// </summary>
public sealed record NodeSummary(string Name, string Region, string Version, long Revision, double RequestsPerSecond, DateTimeOffset At) : IClusterMessage;

namespace FlowBalance.Actors.Cluster;

/// <summary>
/// Anything that crosses nodes or is kept by Akka.DistributedData: serialized by <see cref="ClusterWireSerializer"/>
/// under a stable string manifest, never by Akka's default JSON with .NET type names (which breaks on a rename
/// and between versions).
/// </summary>
public interface IClusterMessage;

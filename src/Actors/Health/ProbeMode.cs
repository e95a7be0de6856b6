namespace FlowBalance.Actors.Health;

/// <summary>How a backend is probed.</summary>
public enum ProbeMode
{
    Discover,
    Path,
    Tcp,
    /// <summary>The standard gRPC health check (grpc.health.v1.Health/Check) over HTTP/2.</summary>
    Grpc,
}

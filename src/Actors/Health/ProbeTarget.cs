namespace FlowBalance.Actors.Health;

/// <summary>
/// What a probe checks: discover a health path, a known path, only that the port accepts connections,
/// or the gRPC health service.
/// </summary>
public sealed record ProbeTarget(ProbeMode Mode, string? Path)
{
    public static readonly ProbeTarget Discover = new(ProbeMode.Discover, null);
    public static readonly ProbeTarget Tcp = new(ProbeMode.Tcp, null);

    /// <summary>For <see cref="ProbeMode.Grpc"/>: the service asked about; "" is the server as a whole.</summary>
    public string GrpcService { get; init; } = "";

    public static ProbeTarget ForPath(string path) => new(ProbeMode.Path, path);

    public static ProbeTarget ForGrpc(string service = "") => new(ProbeMode.Grpc, null) { GrpcService = service };

    public override string ToString() => Mode switch
    {
        ProbeMode.Path => Path!,
        ProbeMode.Tcp => "TCP connect",
        ProbeMode.Grpc => GrpcService.Length == 0 ? "gRPC health" : $"gRPC health of {GrpcService}",
        _ => "discovery",
    };
}

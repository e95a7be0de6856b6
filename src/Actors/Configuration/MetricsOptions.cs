using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>metrics { enabled, allow, otlp_endpoint }</c>: whether instruments are recorded and exported at all,
/// who may scrape <c>/__lb_admin__/metrics</c> besides loopback clients (CIDR ranges), and an
/// OpenTelemetry collector to push to (off unless set).
/// </summary>
public sealed record MetricsOptions(ImmutableArray<IPNetwork> Allow, Uri? OtlpEndpoint, bool Enabled = true, string OtlpProtocol = "grpc")
{
    /// <summary><c>otlp_protocol</c>: gRPC (a collector's port 4317) or HTTP/protobuf (port 4318, <c>/v1/metrics</c>).</summary>
    public static readonly string[] OtlpProtocols = ["grpc", "http"];

    public static readonly MetricsOptions Default = new([], null);
}

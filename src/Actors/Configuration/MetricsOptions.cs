using System.Collections.Immutable;
using System.Net;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>metrics { enabled, allow, otlp_endpoint }</c>: whether instruments are recorded and exported at all,
/// who may scrape <c>/__lb_admin__/metrics</c> besides loopback clients (CIDR ranges), and an
/// OpenTelemetry collector to push to (off unless set).
/// </summary>
public sealed record MetricsOptions(ImmutableArray<IPNetwork> Allow, Uri? OtlpEndpoint, bool Enabled = true)
{
    public static readonly MetricsOptions Default = new([], null);
}

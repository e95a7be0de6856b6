using System.Diagnostics.Metrics;
using FlowBalance.Host.Edge;

namespace FlowBalance.Host.Observability;

/// <summary>
/// When each served certificate expires, read at scrape time from the certificate store: an alert
/// rule such as <c>flowbalance_tls_certificate_expiry_timestamp_seconds - time() &lt; 14 * 86400</c>
/// catches a renewal that keeps failing.
/// </summary>
public sealed class EdgeMetrics : IDisposable
{
    private readonly Meter _meter = new(ProxyMetrics.MeterName);

    public EdgeMetrics(CertificateStore certificates)
    {
        _meter.CreateObservableGauge("flowbalance.tls.certificate.expiry_timestamp", () => certificates.All.Select(c => new Measurement<double>(
                c.NotAfter.ToUnixTimeSeconds(),
                new KeyValuePair<string, object?>("certificate", c.Hosts.FirstOrDefault() ?? ""),
                new KeyValuePair<string, object?>("source", c.Source.StartsWith(CertificateStore.AcmeSourcePrefix, StringComparison.Ordinal) ? "acme" : "file"))),
            "s", "When the served certificate expires, as a Unix time (labels: certificate = its first host name, source = file or acme)");
    }

    public void Dispose() => _meter.Dispose();
}

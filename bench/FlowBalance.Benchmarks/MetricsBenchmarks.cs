using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using FlowBalance.Actors.State;
using FlowBalance.Host.Observability;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace FlowBalance.Benchmarks;

/// <summary>
/// What the request path pays for metrics per request: one attempt observation and one edge
/// observation, through the OpenTelemetry SDK the host runs (same buckets), 20 backends × a few
/// status codes already seen; and the same with no listener (metrics.enabled = false).
/// </summary>
[MemoryDiagnoser]
public class MetricsBenchmarks
{
    private ProxyMetrics _listened = null!;
    private ProxyMetrics _unlistened = null!;
    private MeterProvider _provider = null!;
    private readonly string[] _backends = [.. Enumerable.Range(0, 20).Select(i => $"10.0.0.{i}-8080")];
    private readonly int[] _codes = [200, 200, 200, 404, 503];
    private long _started;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _unlistened = new ProxyMetrics("FlowBalance.Unlistened");
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ProxyMetrics.MeterName)
            .AddView(i => i.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal) ? new ExplicitBucketHistogramConfiguration { Boundaries = ProxyMetrics.Buckets } : null)
            .AddReader(new BaseExportingMetricReader(new NoExport()))
            .Build()!;
        _listened = new ProxyMetrics();
        _started = Stopwatch.GetTimestamp();
        for (var n = 0; n < 1000; n++) PerRequest(_listened); // every series exists, as in steady state
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider.Dispose();
        _listened.Dispose();
        _unlistened.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void MetricsOff() => PerRequest(_unlistened);

    [Benchmark]
    public void MetricsOn() => PerRequest(_listened);

    private void PerRequest(ProxyMetrics metrics)
    {
        var i = _i++;
        var code = _codes[i % _codes.Length];
        metrics.Attempt("api", _backends[i % _backends.Length], code, OutcomeKind.Response, retry: false, _started);
        metrics.Request("api", code, _started);
    }

    private sealed class NoExport : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}

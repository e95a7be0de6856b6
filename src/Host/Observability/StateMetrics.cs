using System.Diagnostics.Metrics;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// Gauges and counters read at scrape time from what the actors already publish (the routing table's
/// snapshots and the slots' Interlocked counters): nothing on the request path.
/// </summary>
public sealed class StateMetrics : IDisposable
{
    /// <summary>The contract's states: one series per state, 1 for the backend's current one.</summary>
    public static readonly string[] BackendStates = ["healthy", "unhealthy", "unknown", "draining", "disabled"];

    public static readonly string[] BreakerStates = ["closed", "open", "half_open"];

    private readonly Meter _meter = new(ProxyMetrics.MeterName);
    private readonly RoutingTableStore _routes;

    public StateMetrics(RoutingTableStore routes)
    {
        _routes = routes;
        _meter.CreateObservableGauge("flowbalance.backend.state", BackendStateSeries, null, "1 for the backend's current state (labels: service, backend, state)");
        _meter.CreateObservableGauge("flowbalance.breaker.state", BreakerStateSeries, null, "1 for the breaker's current state (labels: service, backend, state)");
        _meter.CreateObservableUpDownCounter("flowbalance.backend.active_requests", () => PerBackend(b => b.Counters.InFlight), null, "Requests in flight to the backend");
        _meter.CreateObservableCounter("flowbalance.backend.requests", () => PerBackend(b => b.Counters.Sample().Requests), null, "Requests finished by the backend");
        _meter.CreateObservableCounter("flowbalance.backend.failures", () => PerBackend(b => b.Counters.Sample().Failures), null, "Failed requests to the backend");
        _meter.CreateObservableGauge("flowbalance.backend.ejections", () => PerBackend(b => b.Current.Ejections), null, "Consecutive breaker ejections (doubles the open period)");
        _meter.CreateObservableGauge("flowbalance.service.routable_backends", RoutableSeries, null, "Backends in rotation (label: service)");
        _meter.CreateObservableGauge("flowbalance.backend.health_score", ScoreSeries, null, "Health score 0-1: probes and breaker x passive errors x latency against the pool (README)");
    }

    private IEnumerable<(ServiceSlot Service, BackendSlot Backend)> Backends()
    {
        foreach (var service in _routes.Current.Services)
        {
            foreach (var backend in service.Current.All) yield return (service, backend);
        }
    }

    private IEnumerable<Measurement<long>> PerBackend(Func<BackendSlot, long> value)
    {
        foreach (var (service, backend) in Backends())
        {
            yield return new Measurement<long>(value(backend), new("service", service.Definition.Name), new("backend", backend.Definition.Id));
        }
    }

    private IEnumerable<Measurement<int>> BackendStateSeries() => StateSeries(BackendStates, StateNames.Of);

    private IEnumerable<Measurement<int>> BreakerStateSeries() => StateSeries(BreakerStates, backend => StateNames.Of(backend.Current.Breaker));

    /// <summary>One series per backend and state: 1 for the state the backend is in, 0 for the others.</summary>
    private IEnumerable<Measurement<int>> StateSeries(string[] states, Func<BackendSlot, string> current)
    {
        foreach (var (service, backend) in Backends())
        {
            var now = current(backend);
            foreach (var state in states)
            {
                yield return new Measurement<int>(state == now ? 1 : 0,
                    new("service", service.Definition.Name), new("backend", backend.Definition.Id), new("state", state));
            }
        }
    }

    private IEnumerable<Measurement<double>> ScoreSeries()
    {
        foreach (var service in _routes.Current.Services)
        {
            foreach (var (backend, _, score) in StatusJson.Scores(service))
            {
                yield return new Measurement<double>(score, new("service", service.Definition.Name), new("backend", backend.Definition.Id));
            }
        }
    }

    private IEnumerable<Measurement<int>> RoutableSeries()
    {
        foreach (var service in _routes.Current.Services)
        {
            yield return new Measurement<int>(service.Current.Routable.Length, new KeyValuePair<string, object?>("service", service.Definition.Name));
        }
    }

    public void Dispose() => _meter.Dispose();
}

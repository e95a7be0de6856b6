using System.Diagnostics.Metrics;
using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability;

/// <summary>Counters that follow from events (the hub calls <see cref="Count"/> for each): reloads, breaker transitions, plugin failures.</summary>
public sealed class EventMetrics : IDisposable
{
    private readonly Meter _meter = new(ProxyMetrics.MeterName);
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _pluginFailures;
    private readonly Counter<long> _events;
    private long _lastReloadSuccess;
    private long _revision;

    /// <summary>How many configurations this node has applied (1 after startup): the status API's config revision.</summary>
    public long Revision => Volatile.Read(ref _revision);

    public EventMetrics()
    {
        _reloads = _meter.CreateCounter<long>("flowbalance.config.reloads", null, "Configurations applied or rejected (labels: result = success | failure, source = startup | file | sighup | admin)");
        _transitions = _meter.CreateCounter<long>("flowbalance.breaker.transitions", null, "Breaker state changes (labels: service, backend, state)");
        _pluginFailures = _meter.CreateCounter<long>("flowbalance.plugin.failures", null, "Plugins that failed to load or reload (label: plugin)");
        _events = _meter.CreateCounter<long>("flowbalance.events", null, "State-change events (label: type)");
        _meter.CreateObservableGauge("flowbalance.config.last_reload_success_timestamp", () => Volatile.Read(ref _lastReloadSuccess), "s",
            "Unix time of the last configuration applied");
    }

    public void Count(FlowEvent change)
    {
        _events.Add(1, new KeyValuePair<string, object?>("type", change.Type));
        switch (change)
        {
            case ConfigChangeApplied applied:
                _reloads.Add(1, new("result", "success"), new("source", Source(applied.Reason)));
                Volatile.Write(ref _lastReloadSuccess, applied.Time.ToUnixTimeSeconds());
                Interlocked.Increment(ref _revision);
                break;
            case ConfigChangeRejected rejected:
                _reloads.Add(1, new("result", "failure"), new("source", Source(rejected.Reason)));
                break;
            case BreakerChanged breaker:
                _transitions.Add(1, new("service", breaker.Service), new("backend", breaker.Backend), new("state", breaker.State));
                break;
            case PluginChanged { Kind: PluginChanged.Failed } plugin:
                _pluginFailures.Add(1, new KeyValuePair<string, object?>("plugin", plugin.Plugin));
                break;
        }
    }

    /// <summary>A bounded label from the reload's reason ("file changed", "SIGHUP", "startup").</summary>
    public static string Source(string reason) => reason switch
    {
        "startup" => "startup",
        "SIGHUP" => "sighup",
        "file changed" => "file",
        _ => "other",
    };

    public void Dispose() => _meter.Dispose();
}

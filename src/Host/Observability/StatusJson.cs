using System.Text.Json;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.Routing;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// How a service and a backend look in the status API and the services API (one shape for both),
/// read from the published snapshots: state (draining/disabled when an operator said so), breaker,
/// health, in-flight, weight (effective and the file's), the override in force and a drain's progress.
/// </summary>
public static class StatusJson
{
    public static void WriteService(Utf8JsonWriter json, ServiceSlot service)
    {
        var definition = service.Definition;
        json.WriteStartObject();
        json.WriteString("name", definition.Name);
        json.WriteStringOrNull("hostname", definition.Hostname);
        json.WriteStartArray("hostnames");
        if (definition.Hostname is { } host) json.WriteStringValue(host);
        json.WriteEndArray();
        json.WriteString("algorithm", definition.Settings.LoadBalancer.Algorithm);
        json.WriteNumber("routable", service.Current.Routable.Length);
        json.WriteNumber("min_routable", definition.Settings.MinRoutable);
        json.WriteNumber("drain_timeout_s", definition.Settings.DrainTimeout.TotalSeconds);
        json.WriteBoolean("panic", service.Current.Panic);
        json.WriteStartArray("pools");
        foreach (var pool in service.Routing.Pools)
        {
            json.WriteStartObject();
            json.WriteString("id", pool.Definition.Id);
            json.WriteString("algorithm", pool.Definition.Settings.LoadBalancer.Algorithm);
            json.WriteNumber("routable", pool.Snapshot.Routable.Length);
            json.WriteStartArray("backends");
            foreach (var backend in pool.Definition.Backends) json.WriteStringValue(backend.Id);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("backends");
        foreach (var (backend, pool, score) in Scores(service)) WriteBackend(json, backend, pool, score);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Each backend with its pool and health score (latency judged against the other backends of its pool).</summary>
    public static IEnumerable<(BackendSlot Backend, string Pool, double Score)> Scores(ServiceSlot service)
    {
        var backends = service.Current.All;
        foreach (var backend in backends)
        {
            var pool = service.Definition.Pools.FirstOrDefault(p => p.Backends.Any(b => b.Id == backend.Definition.Id));
            var peers = pool is null ? backends : [.. backends.Where(b => pool.Backends.Any(p => p.Id == b.Definition.Id))];
            yield return (backend, pool?.Id ?? "default", HealthScore.Of(backend.Current, HealthScore.MedianP50(peers.Select(p => p.Current))));
        }
    }

    public static void WriteBackend(Utf8JsonWriter json, BackendSlot slot, string pool, double score)
    {
        var snapshot = slot.Current;
        var recent = snapshot.Recent;
        var admin = slot.Admin;
        json.WriteStartObject();
        json.WriteString("id", slot.Definition.Id);
        json.WriteString("url", slot.Definition.Url.ToString());
        json.WriteString("pool", pool);
        json.WriteNumber("weight", slot.Weight);
        json.WriteNumber("config_weight", slot.Definition.Weight);
        json.WriteString("state", StateNames.Of(slot));
        json.WriteString("health", StateNames.Of(snapshot.Health));
        json.WriteString("admin_state", StateNames.Of(admin.State));
        json.WriteString("breaker", StateNames.Of(snapshot.Breaker));
        json.WriteStringOrNull("health_path", snapshot.HealthPath);
        json.WriteNumber("health_score", score);
        json.WriteNumber("in_flight", slot.Counters.InFlight);
        json.WriteNumber("rps", Math.Round(recent.Rps, 2));
        json.WriteNumber("error_rate", Math.Round(recent.ErrorRate, 4));
        json.WriteNumberOrNull("p50_ms", recent.P50Ms is { } p50 ? Math.Round(p50, 2) : null);
        json.WriteNumberOrNull("p99_ms", recent.P99Ms is { } p99 ? Math.Round(p99, 2) : null);
        json.WriteStringOrNull("last_error", snapshot.LastError);
        json.WriteTimeOrNull("last_change", snapshot.ChangedAt);
        json.WriteNumber("ejections", snapshot.Ejections);
        json.WriteNumber("requests_total", slot.Counters.Sample().Requests);
        WriteOverride(json, admin.Override);
        if (admin.DrainStarted is { } started && admin.DrainDeadline is { } deadline)
        {
            json.WriteStartObject("drain");
            json.WriteBoolean("finished", admin.State != AdminState.Draining);
            json.WriteString("started", EventJson.Time(started));
            json.WriteString("deadline", EventJson.Time(deadline));
            json.WriteNumber("time_left_s", admin.State == AdminState.Draining ? Math.Max(0, Math.Round((deadline - DateTimeOffset.UtcNow).TotalSeconds, 1)) : 0);
            json.WriteNumber("in_flight", slot.Counters.InFlight);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("drain");
        }
        json.WriteEndObject();
    }

    /// <summary><c>"override": null</c>, or the parts in force (a part left to the file is null).</summary>
    public static void WriteOverride(Utf8JsonWriter json, AdminOverride value)
    {
        if (value.IsEmpty)
        {
            json.WriteNull("override");
            return;
        }
        json.WriteStartObject("override");
        json.WriteNumberOrNull("weight", value.Weight);
        json.WriteStringOrNull("state", value.State is { } state ? StateNames.Of(state) : null);
        json.WriteEndObject();
    }
}

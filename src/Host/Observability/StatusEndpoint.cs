using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using FlowBalance.Actors.Health;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// <c>GET /__lb_admin__/api/v1/status</c>: the node and every service, pool and backend as the request
/// path sees them now (read from the published snapshots, never an Ask): state, breaker, health
/// path and score, in-flight, and the last minute's requests/s, error rate, p50/p99.
/// </summary>
public sealed class StatusEndpoint(RoutingTableStore routes, EventMetrics events, string node)
{
    public static readonly string Version =
        typeof(StatusEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static readonly DateTimeOffset Started = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public async Task Handle(HttpContext context)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("node", node);
        json.WriteString("version", Version);
        json.WriteString("started", EventJson.Time(Started));
        json.WriteNumber("uptime_s", Math.Round((DateTimeOffset.UtcNow - Started).TotalSeconds, 1));
        json.WriteNumber("config_revision", events.Revision);
        json.WriteStartArray("services");
        foreach (var service in routes.Current.Services) WriteService(json, service);
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static void WriteService(Utf8JsonWriter json, ServiceSlot service)
    {
        var definition = service.Definition;
        json.WriteStartObject();
        json.WriteString("name", definition.Name);
        json.WriteStartArray("hostnames");
        if (definition.Hostname is { } host) json.WriteStringValue(host);
        json.WriteEndArray();
        json.WriteNumber("routable", service.Current.Routable.Length);
        json.WriteBoolean("panic", service.Current.Panic);
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

    private static void WriteBackend(Utf8JsonWriter json, BackendSlot slot, string pool, double score)
    {
        var snapshot = slot.Current;
        var recent = snapshot.Recent;
        json.WriteStartObject();
        json.WriteString("id", slot.Definition.Id);
        json.WriteString("url", slot.Definition.Url.ToString());
        json.WriteString("pool", pool);
        json.WriteNumber("weight", slot.Definition.Weight);
        json.WriteString("state", StateNames.Of(snapshot.Health));
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
        json.WriteEndObject();
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
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
        foreach (var service in routes.Current.Services) StatusJson.WriteService(json, service);
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}

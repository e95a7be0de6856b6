using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using FlowBalance.Actors.Cluster;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Observability;

/// <summary>
/// <c>GET /__lb_admin__/api/v1/status</c>: the node and every service, pool and backend as the request
/// path sees them now (read from the published snapshots, never an Ask): state, breaker, health
/// path and score, in-flight, and the last minute's requests/s, error rate, p50/p99.
/// </summary>
public sealed class StatusEndpoint(RoutingTableStore routes, EventMetrics events, string node, FlowBalance.Actors.Cluster.ClusterViewStore? cluster = null, string? region = null)
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
        WriteNodes(json);
        json.WriteStartArray("services");
        foreach (var service in routes.Current.Services) StatusJson.WriteService(json, service);
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    /// <summary>
    /// <c>nodes</c>: every member this node's cluster membership sees (alone: this node), with the revision and
    /// requests per second each one last told the fleet (<c>fb-nodes</c>; null until its first summary arrives).
    /// </summary>
    private void WriteNodes(Utf8JsonWriter json)
    {
        json.WriteStartArray("nodes");
        if (cluster?.Current is not { } view)
        {
            WriteNode(json, node, region, null, "up", Version, events.Revision);
        }
        else
        {
            var summaries = cluster.Summaries;
            foreach (var member in view.Members)
            {
                var told = summaries.GetValueOrDefault(member.Name);
                WriteNode(json, member.Name, member.Region, member.Address, member.State, member.Version, member.Address == view.Self ? events.Revision : told?.Revision, told);
            }
            if (!view.Members.Any(m => m.Address == view.Self)) WriteNode(json, node, region, view.Self.Length > 0 ? view.Self : null, "joining", Version, events.Revision);
        }
        json.WriteEndArray();
    }

    private static void WriteNode(Utf8JsonWriter json, string name, string? region, string? address, string status, string version, long? revision, NodeSummary? told = null)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString("region", region);
        json.WriteString("address", address);
        json.WriteString("status", status);
        json.WriteString("version", version);
        if (revision is { } r) json.WriteNumber("revision", r);
        else json.WriteNull("revision");
        if (told is not null)
        {
            json.WriteNumber("requests_per_second", told.RequestsPerSecond);
            json.WriteString("summary_at", EventJson.Time(told.At));
        }
        json.WriteEndObject();
    }
}

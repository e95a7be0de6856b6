using System.Text.Json;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>GET /healthz</c>, open to anyone (DNS failover and cloud load-balancer checks): 200 once the node
/// routes (the first routing table is published) and, in a cluster, once it has been an Up member (it has
/// caught up), 503 before that and while it shuts down. A node separated from the cluster later stays
/// ready: it keeps serving its clients from its last configuration (<c>cluster</c> says <c>separated</c>).
/// <c>unroutable</c> lists the services with no backend in rotation; with <c>?routable=all</c> any of them makes it 503.
/// </summary>
public sealed class HealthzEndpoint(RoutingTableStore routes, IHostApplicationLifetime lifetime, string node, FlowBalance.Actors.Cluster.ClusterViewStore? cluster = null)
{
    public async Task Handle(HttpContext context)
    {
        var view = cluster?.Current;
        var joined = cluster?.HasBeenUp ?? true;
        // Services with no backend in rotation; ?routable=all makes them fail the check (DNS failover per node: send
        // clients elsewhere when this node's backends of any service are all down).
        var unroutable = routes.Current.Services.Where(s => s.Current.Routable.IsEmpty).Select(s => s.Definition.Name).ToList();
        var strict = context.Request.Query["routable"] == "all";
        var ready = routes.Ready.IsCompletedSuccessfully && !lifetime.ApplicationStopping.IsCancellationRequested && joined && (!strict || unroutable.Count == 0);
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", ready ? "ok"
            : lifetime.ApplicationStopping.IsCancellationRequested ? "stopping"
            : !routes.Ready.IsCompletedSuccessfully || !joined ? "starting"
            : "unroutable");
        json.WriteBoolean("live", true);
        json.WriteBoolean("ready", ready);
        json.WriteString("node", node);
        if (view is not null) json.WriteString("cluster", view.SelfUp ? "up" : joined ? "separated" : "joining");
        json.WriteStartArray("unroutable");
        foreach (var name in unroutable) json.WriteStringValue(name);
        json.WriteEndArray();
        json.WriteEndObject();
    }
}

using System.Text.Json;
using FlowBalance.Actors.State;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>GET /healthz</c>, open to anyone (DNS failover and cloud load-balancer checks): 200 once the node
/// routes (the first routing table is published) and, in a cluster, once it has been an Up member (it has
/// caught up), 503 before that and while it shuts down. A node separated from the cluster later stays
/// ready: it keeps serving its clients from its last configuration (<c>cluster</c> says <c>separated</c>).
/// </summary>
public sealed class HealthzEndpoint(RoutingTableStore routes, IHostApplicationLifetime lifetime, string node, FlowBalance.Actors.Cluster.ClusterViewStore? cluster = null)
{
    public async Task Handle(HttpContext context)
    {
        var view = cluster?.Current;
        var joined = cluster?.HasBeenUp ?? true;
        var ready = routes.Ready.IsCompletedSuccessfully && !lifetime.ApplicationStopping.IsCancellationRequested && joined;
        context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", ready ? "ok" : lifetime.ApplicationStopping.IsCancellationRequested ? "stopping" : "starting");
        json.WriteBoolean("live", true);
        json.WriteBoolean("ready", ready);
        json.WriteString("node", node);
        if (view is not null) json.WriteString("cluster", view.SelfUp ? "up" : joined ? "separated" : "joining");
        json.WriteEndObject();
    }
}

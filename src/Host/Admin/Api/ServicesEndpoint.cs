using System.Text.Json;
using FlowBalance.Actors.State;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>GET /api/v1/services</c> (every service, <c>{"items": [...]}</c>, <c>limit</c>) and
/// <c>GET /api/v1/services/{name}</c>, in the status API's shape (<see cref="StatusJson"/>), read from
/// the published snapshots. Paths below a service's <c>/backends/</c> go to <see cref="BackendEndpoint"/>,
/// <c>…/history</c> of a service or backend to <see cref="HistoryEndpoint"/>.
/// </summary>
public sealed class ServicesEndpoint(RoutingTableStore routes, BackendEndpoint backends, HistoryEndpoint history)
{
    public Task Handle(HttpContext context)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments is [var name, "history"]) return history.Handle(context, name, backendId: null);
        if (segments is [var owner, "backends", var id, "history"]) return history.Handle(context, owner, id);
        if (segments.Length >= 3 && segments[1] == "backends") return backends.Handle(context, segments[0], segments[2], segments[3..]);
        if (segments.Length > 1) return NotFound(context);
        if (!HttpMethods.IsGet(context.Request.Method)) return AdminResponses.Problem(context, "only GET", StatusCodes.Status405MethodNotAllowed);
        if (segments.Length == 0)
        {
            if (!AdminQuery.TryLimit(context.Request.Query, 10_000, 1000, out var limit, out var problem)) return AdminResponses.Problem(context, problem!);
            return AdminResponses.Items(context, routes.Current.Services.Take(limit), StatusJson.WriteService);
        }
        return Find(routes, segments[0]) is { } service ? Write(context, json => StatusJson.WriteService(json, service)) : NotFound(context);
    }

    public static ServiceSlot? Find(RoutingTableStore routes, string name) =>
        routes.Current.Services.FirstOrDefault(s => string.Equals(s.Definition.Name, name, StringComparison.Ordinal));

    /// <summary>One JSON object as the answer (<see cref="AdminResponses.Json"/>).</summary>
    public static Task Write(HttpContext context, Action<Utf8JsonWriter> write) => AdminResponses.Json(context, write);

    private static Task NotFound(HttpContext context) =>
        AdminResponses.Problem(context, $"no such service or resource: {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound);
}

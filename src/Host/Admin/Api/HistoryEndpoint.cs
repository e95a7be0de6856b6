using FlowBalance.Actors.State;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Api;

/// <summary>
/// <c>GET /api/v1/services/{name}/history</c> and <c>GET /api/v1/services/{name}/backends/{id}/history</c>:
/// the last hour of this node's <see cref="MetricsHistory"/>, oldest first, as
/// <c>{"step_s": 10, "items": [{"time", "rps", "errors_per_s", "p50_ms", "p99_ms"}]}</c>. 404 for a service or
/// backend the routing table does not have; an empty list for one that has not been sampled twice yet.
/// </summary>
public sealed class HistoryEndpoint(RoutingTableStore routes, MetricsHistory history)
{
    public Task Handle(HttpContext context, string serviceName, string? backendId)
    {
        if (!HttpMethods.IsGet(context.Request.Method)) return AdminResponses.Problem(context, "only GET", StatusCodes.Status405MethodNotAllowed);
        var service = ServicesEndpoint.Find(routes, serviceName);
        if (service is null || backendId is not null && !service.Backends.Any(b => b.Definition.Id == backendId))
        {
            return AdminResponses.Problem(context, $"no such service or backend: {context.Request.PathBase}{context.Request.Path}", StatusCodes.Status404NotFound);
        }
        var points = backendId is null ? history.Service(serviceName) : history.Backend(serviceName, backendId);
        return ServicesEndpoint.Write(context, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("step_s", history.Step.TotalSeconds);
            json.WriteStartArray("items");
            foreach (var point in points)
            {
                json.WriteStartObject();
                json.WriteString("time", EventJson.Time(point.Time));
                // Rounded: the ring keeps floats, whose last digits are noise (and a step of 10 s makes 0.1/s the smallest rate).
                json.WriteNumber("rps", Math.Round(point.Rps, 3));
                json.WriteNumber("errors_per_s", Math.Round(point.ErrorsPerSecond, 3));
                json.WriteNumberOrNull("p50_ms", point.P50Ms is { } p50 ? Math.Round(p50, 2) : null);
                json.WriteNumberOrNull("p99_ms", point.P99Ms is { } p99 ? Math.Round(p99, 2) : null);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }
}

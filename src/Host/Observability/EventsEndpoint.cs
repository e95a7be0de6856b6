using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability;

/// <summary>
/// <c>GET /__lb_admin__/api/v1/events?type=&amp;service=&amp;backend=&amp;since=&amp;limit=</c>: recent events,
/// newest first, as <c>{"items": [...]}</c>; with <c>Accept: text/event-stream</c> a live stream of the
/// events that match (one <c>data:</c> line each). <c>type</c> takes a comma-separated list.
/// </summary>
public static class EventsEndpoint
{
    public const int DefaultLimit = 100;

    public static Task Handle(HttpContext context, EventHistory history, LiveFeed<FlowEvent> feed)
    {
        var query = context.Request.Query;
        var types = query["type"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (types.FirstOrDefault(t => !EventTypes.All.Contains(t)) is { } unknown)
        {
            return AdminResponses.Problem(context, $"type: unknown event type '{unknown}' (known: {string.Join(", ", EventTypes.All)})");
        }
        var service = query["service"].ToString();
        var backend = query["backend"].ToString();
        if (!AdminQuery.TrySince(query, out var since, out var problem) || !AdminQuery.TryLimit(query, history.Capacity, DefaultLimit, out var limit, out problem))
        {
            return AdminResponses.Problem(context, problem!);
        }

        bool Match(FlowEvent e) =>
            (types.Length == 0 || types.Contains(e.Type))
            && (service.Length == 0 || e.Service == service)
            && (backend.Length == 0 || e.Backend == backend)
            && (since is null || e.Time >= since);

        return AdminResponses.WantsEventStream(context)
            ? AdminResponses.Stream(context, feed, Match, EventJson.Serialize)
            : AdminResponses.Items(context, history.Recent(limit, Match), EventJson.Write);
    }
}

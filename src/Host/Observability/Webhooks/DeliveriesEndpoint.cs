using System.Text.Json;

namespace FlowBalance.Host.Observability.Webhooks;

/// <summary>
/// <c>GET /__lb_admin__/api/v1/webhooks/deliveries?webhook=&amp;state=&amp;limit=</c>: the last 1,000
/// deliveries, newest first, each with its attempts (time, the receiver's status or the error, duration).
/// </summary>
public static class DeliveriesEndpoint
{
    private static readonly string[] States = ["pending", "delivered", "failed", "dropped"];

    public static Task Handle(HttpContext context, WebhookDispatcher dispatcher)
    {
        var webhook = context.Request.Query["webhook"].ToString();
        var state = context.Request.Query["state"].ToString();
        if (state.Length > 0 && !States.Contains(state))
        {
            return AdminResponses.Problem(context, $"state: expected one of {string.Join(", ", States)}, found '{state}'");
        }
        if (!AdminQuery.TryLimit(context.Request.Query, 1000, 100, out var limit, out var problem)) return AdminResponses.Problem(context, problem!);
        var items = dispatcher.Recent
            .Where(d => (webhook.Length == 0 || d.Webhook == webhook) && (state.Length == 0 || d.State == state))
            .Take(limit);
        return AdminResponses.Items(context, items, Write);
    }

    private static void Write(Utf8JsonWriter json, WebhookDelivery delivery)
    {
        json.WriteStartObject();
        json.WriteString("id", delivery.Id);
        json.WriteString("webhook", delivery.Webhook);
        json.WriteString("event", delivery.EventType);
        json.WriteString("state", delivery.State);
        json.WriteNumber("coalesced", delivery.Coalesced);
        json.WriteString("created", EventJson.Time(delivery.Created));
        json.WriteTimeOrNull("next_attempt", delivery.NextAttempt);
        json.WriteStartArray("attempts");
        foreach (var attempt in delivery.Attempts)
        {
            json.WriteStartObject();
            json.WriteString("time", EventJson.Time(attempt.Time));
            json.WriteNumberOrNull("status", attempt.Status);
            json.WriteStringOrNull("error", attempt.Error);
            json.WriteNumber("duration_ms", Math.Round(attempt.DurationMs, 1));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}

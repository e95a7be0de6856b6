using FlowBalance.Actors.Configuration;
using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability.Webhooks;

/// <summary>What a webhook receives: the event object (<c>format = json</c>), or Slack's incoming-webhook <c>text</c> and <c>blocks</c>.</summary>
public static class WebhookBody
{
    public static byte[] For(WebhookOptions webhook, FlowEvent change, int coalesced) => webhook.Format == "slack"
        ? EventJson.Serialize(json =>
        {
            var text = $"[{change.Node}] {change.Describe()}{(coalesced > 0 ? $" ({coalesced} more change(s) in the last 30 s)" : "")}";
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteStartArray("blocks");
            json.WriteStartObject();
            json.WriteString("type", "section");
            json.WriteStartObject("text");
            json.WriteString("type", "mrkdwn");
            json.WriteString("text", $"*{change.Type}* on `{change.Node}`{(change.Service is null ? "" : $" · `{change.Service}{(change.Backend is null ? "" : "/" + change.Backend)}`")}\n{text}");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        })
        : EventJson.Serialize(json => EventJson.Write(json, change, more => more.WriteNumber("coalesced", coalesced)));
}

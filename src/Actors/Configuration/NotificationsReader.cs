using System.Collections.Immutable;
using FlowBalance.Actors.Events;

namespace FlowBalance.Actors.Configuration;

/// <summary>Reads <c>notifications { webhooks = [{ id, url, events, secret, format }] }</c>.</summary>
internal static class NotificationsReader
{
    public static ImmutableArray<WebhookOptions> Read(ConfigNode? section)
    {
        if (section is not { } node) return [];
        if (!node.IsObject) return node.FailStruct<ImmutableArray<WebhookOptions>>("expected an object { webhooks = [ { id, url, events } ] }") ?? [];
        ConfigKeys.CheckUnknown(node, ConfigKeys.Notifications);
        if (node.Child("webhooks") is not { } list) return [];
        if (!list.IsArray) return list.FailStruct<ImmutableArray<WebhookOptions>>("expected a list of webhooks [ { id, url, events } ]") ?? [];
        var result = ImmutableArray.CreateBuilder<WebhookOptions>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in list.Elements())
        {
            if (!element.IsObject)
            {
                element.Errors.Add(element.Path, "expected an object { id, url, events, secret, format }");
                continue;
            }
            ConfigKeys.CheckUnknown(element, ConfigKeys.Webhook);
            var id = element.Child("id")?.Token();
            if (element.Child("id") is null) element.Errors.Add($"{element.Path}.id", "is required: a name for this webhook (letters, digits, '-', '_', '.')");
            else if (id is not null && !ids.Add(id)) element.Errors.Add($"{element.Path}.id", $"duplicate webhook id '{id}'");
            Uri? url = null;
            if (element.Child("url") is not { } urlNode) element.Errors.Add($"{element.Path}.url", "is required: the receiver's http:// or https:// URL");
            else if (urlNode.String() is { } text)
            {
                url = Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
                    ? parsed
                    : urlNode.Fail<Uri>($"must be an http:// or https:// URL, found '{text}'");
            }
            var events = ImmutableArray.CreateBuilder<string>();
            if (element.Child("events") is { } eventList)
            {
                if (!eventList.IsArray) eventList.Errors.Add(eventList.Path, $"expected a list of event types such as [\"backend.down\", \"breaker.open\"]");
                foreach (var type in eventList.Elements())
                {
                    if (type.String() is not { } name) continue;
                    if (EventTypes.All.Contains(name)) events.Add(name);
                    else type.Errors.Add(type.Path, $"unknown event type '{name}' (known: {string.Join(", ", EventTypes.All)})");
                }
            }
            var secret = element.Child("secret")?.String();
            var format = element.Child("format")?.OneOf(WebhookOptions.Formats) ?? "json";
            if (id is not null && url is not null) result.Add(new WebhookOptions(id, url, events.ToImmutable(), secret, format));
        }
        return result.ToImmutable();
    }
}

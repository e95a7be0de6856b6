using System.Collections.Immutable;

namespace FlowBalance.Actors.Configuration;

/// <summary>
/// One <c>notifications.webhooks</c> entry: where to post, which event types (empty = all), the
/// signing secret (Standard Webhooks: <c>whsec_&lt;base64&gt;</c> or any string) and the body format.
/// </summary>
public sealed record WebhookOptions(string Id, Uri Url, ImmutableArray<string> Events, string? Secret, string Format)
{
    public static readonly string[] Formats = ["json", "slack"];

    public bool Wants(string type) => Events.IsEmpty || Events.Contains(type);
}

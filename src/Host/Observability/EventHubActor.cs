using Akka.Actor;
using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability;

/// <summary>
/// The one subscriber of <see cref="FlowEvent"/>s on the event stream: records each in the history and
/// writes its log line; later metrics, webhooks and the dashboard hang off the same place. Runs on its
/// own actor, so nothing here is ever on the request path or in the publishing actor's way.
/// </summary>
public sealed class EventHubActor : ReceiveActor
{
    public EventHubActor(EventHistory history, EventLogLines lines, EventMetrics metrics, LiveFeed<FlowEvent> live, Webhooks.WebhookDispatcher webhooks)
    {
        Receive<FlowEvent>(change =>
        {
            history.Add(change);
            lines.Write(change);
            metrics.Count(change);
            live.Publish(change);
            webhooks.Offer(change);
        });
    }

    public static Props Props(EventHistory history, EventLogLines lines, EventMetrics metrics, LiveFeed<FlowEvent> live, Webhooks.WebhookDispatcher webhooks) =>
        Akka.Actor.Props.Create(() => new EventHubActor(history, lines, metrics, live, webhooks));
}

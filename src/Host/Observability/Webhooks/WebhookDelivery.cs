namespace FlowBalance.Host.Observability.Webhooks;

/// <summary>One event on its way to one webhook, with every attempt made so far (the admin API shows it).</summary>
public sealed class WebhookDelivery(string id, string webhook, string eventType, byte[] body, int coalesced)
{
    private readonly List<Attempt> _attempts = [];

    public string Id { get; } = id;

    public string Webhook { get; } = webhook;

    public string EventType { get; } = eventType;

    public byte[] Body { get; } = body;

    /// <summary>How many further events of the same backend this delivery stands for (flapping).</summary>
    public int Coalesced { get; } = coalesced;

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    /// <summary>pending, delivered, failed (retries exhausted) or dropped (the queue was full).</summary>
    public string State { get; set; } = "pending";

    public DateTimeOffset? NextAttempt { get; set; }

    public IReadOnlyList<Attempt> Attempts
    {
        get
        {
            lock (_attempts) return [.. _attempts];
        }
    }

    public void Add(Attempt attempt)
    {
        lock (_attempts) _attempts.Add(attempt);
    }

    /// <summary>One try: the receiver's status code, or the error when there was no answer.</summary>
    public sealed record Attempt(DateTimeOffset Time, int? Status, string? Error, double DurationMs);
}

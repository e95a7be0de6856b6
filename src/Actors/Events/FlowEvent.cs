namespace FlowBalance.Actors.Events;

/// <summary>
/// One state change, published once on the actor system's event stream (never built on the request
/// path). The fields are a contract that logs, metrics, webhooks and the admin API expose as they are:
/// <c>time, type, node, service, backend, url, from, to, reason</c>. Each concrete event is a sealed
/// record that adds what only it knows (an ejection length, a config summary, a plugin version).
/// </summary>
public abstract record FlowEvent
{
    /// <summary>One of <see cref="EventTypes"/>.</summary>
    public abstract string Type { get; }

    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The node that saw the change; stamped by <see cref="FlowEvents.Publish"/>.</summary>
    public string Node { get; init; } = "";

    public string? Service { get; init; }

    /// <summary>The backend id, as the status API reports it.</summary>
    public string? Backend { get; init; }

    public string? Url { get; init; }

    public string? From { get; init; }

    public string? To { get; init; }

    public string Reason { get; init; } = "";

    /// <summary>How loud the change is in the log: a backend going down is a warning, a rejected config an error.</summary>
    public virtual EventSeverity Severity => EventSeverity.Info;

    /// <summary>The log line's text (without time and level).</summary>
    public abstract string Describe();

    /// <summary>"backend demo/demo-backend-2 http://127.0.0.1:34359/" for events about one backend.</summary>
    protected string Subject => Backend is null ? $"service {Service}" : $"backend {Service}/{Backend} {Url}";

    protected string Was => From is null ? "" : $" (was {From})";
}

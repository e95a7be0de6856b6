using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Observability;

/// <summary>One event, one log line (category <c>FlowBalance.Events</c>); the JSON format adds the event's fields.</summary>
public sealed class EventLogLines(ILoggerFactory loggers)
{
    public const string Category = "FlowBalance.Events";

    private readonly ILogger _log = loggers.CreateLogger(Category);

    public void Write(FlowEvent change)
    {
        var level = change.Severity switch
        {
            EventSeverity.Error => LogLevel.Error,
            EventSeverity.Warning => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        if (_log.IsEnabled(level)) _log.Log(level, new EventId(0, change.Type), change, null, static (e, _) => e.Describe());
    }
}

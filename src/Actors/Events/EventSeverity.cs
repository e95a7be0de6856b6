namespace FlowBalance.Actors.Events;

public enum EventSeverity
{
    Info,
    Warning,
    Error,
}

namespace FlowBalance.Actors.Events;

/// <summary><c>breaker.open</c> (with the ejection's length and count) / <c>breaker.half_open</c> / <c>breaker.closed</c>.</summary>
public sealed record BreakerChanged(string State, TimeSpan? OpenFor = null, int Ejections = 0) : FlowEvent
{
    public const string Open = "open", HalfOpen = "half_open", Closed = "closed";

    public override string Type => State switch
    {
        Open => EventTypes.BreakerOpen,
        HalfOpen => EventTypes.BreakerHalfOpen,
        _ => EventTypes.BreakerClosed,
    };

    public override EventSeverity Severity => State == Open ? EventSeverity.Warning : EventSeverity.Info;

    public override string Describe() => State == Open
        ? $"{Subject} breaker open: {Reason}; no traffic for {OpenFor?.TotalMilliseconds:0} ms (ejection {Ejections}){Was}"
        : $"{Subject} breaker {State.Replace('_', '-')}: {Reason}{Was}";
}

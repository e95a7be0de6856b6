namespace FlowBalance.Actors.Events;

/// <summary><c>backend.up</c> / <c>backend.down</c>: active probes (or a rescued request) changed the backend's health.</summary>
public sealed record BackendHealthChanged(bool Up) : FlowEvent
{
    public override string Type => Up ? EventTypes.BackendUp : EventTypes.BackendDown;

    public override EventSeverity Severity => Up ? EventSeverity.Info : EventSeverity.Warning;

    public override string Describe() => $"{Subject} {To}: {Reason}{Was}";
}

namespace FlowBalance.Actors.Events;

/// <summary><c>drain.started</c> / <c>drain.finished</c>: a removed backend finishes its in-flight requests, then stops.</summary>
public sealed record DrainChanged(bool Started, long InFlight) : FlowEvent
{
    public override string Type => Started ? EventTypes.DrainStarted : EventTypes.DrainFinished;

    public override string Describe() => Started
        ? $"{Subject} draining: {Reason}; {InFlight} request(s) in flight"
        : $"{Subject} drained: {Reason}";
}

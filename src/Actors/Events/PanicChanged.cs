namespace FlowBalance.Actors.Events;

/// <summary><c>panic.entered</c> / <c>panic.left</c>: too few backends of a service are routable, so all of them take traffic.</summary>
public sealed record PanicChanged(bool Entered, int Routable, int Total, double Threshold) : FlowEvent
{
    public override string Type => Entered ? EventTypes.PanicEntered : EventTypes.PanicLeft;

    public override EventSeverity Severity => Entered ? EventSeverity.Warning : EventSeverity.Info;

    public override string Describe() =>
        $"{Subject} {(Entered ? "entered" : "left")} panic mode ({Routable} of {Total} backends routable, panic_threshold {Threshold}%)";
}

namespace FlowBalance.Actors.Events;

/// <summary><c>slow_start.started</c> / <c>slow_start.finished</c>: a backend back in rotation ramps up its share over <see cref="Duration"/>.</summary>
public sealed record SlowStartChanged(bool Started, TimeSpan Duration) : FlowEvent
{
    public override string Type => Started ? EventTypes.SlowStartStarted : EventTypes.SlowStartFinished;

    public override string Describe() => Started
        ? $"{Subject} slow start: full share of traffic in {Duration.TotalSeconds:0.#} s"
        : $"{Subject} slow start finished: full share of traffic";
}

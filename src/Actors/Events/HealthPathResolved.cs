namespace FlowBalance.Actors.Events;

/// <summary>
/// <c>health_path.discovered</c> / <c>health_path.missing</c>: discovery found the backend's health
/// endpoint (<see cref="FlowEvent.To"/> is the path), or found none (it is then checked by TCP connect).
/// </summary>
public sealed record HealthPathResolved(string? Path) : FlowEvent
{
    public override string Type => Path is null ? EventTypes.HealthPathMissing : EventTypes.HealthPathDiscovered;

    public override string Describe() => Path is null
        ? $"{Subject} no health endpoint found: {Reason}"
        : $"{Subject} health endpoint {Path} discovered: {Reason}";
}

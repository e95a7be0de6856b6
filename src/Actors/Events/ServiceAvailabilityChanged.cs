namespace FlowBalance.Actors.Events;

/// <summary><c>service.all_down</c> / <c>service.recovered</c>: no backend of the service is routable, or one is again.</summary>
public sealed record ServiceAvailabilityChanged(bool AllDown, int Routable, int Total) : FlowEvent
{
    public override string Type => AllDown ? EventTypes.ServiceAllDown : EventTypes.ServiceRecovered;

    public override EventSeverity Severity => AllDown ? EventSeverity.Error : EventSeverity.Info;

    public override string Describe() => AllDown
        ? $"{Subject}: no backend is routable; each request tries the least recently failed backend"
        : $"{Subject} recovered: {Routable} of {Total} backends routable";
}

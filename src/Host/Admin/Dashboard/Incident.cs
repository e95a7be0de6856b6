using FlowBalance.Actors.Events;

namespace FlowBalance.Host.Admin.Dashboard;

/// <summary>
/// The events of one backend (or one service) from its first trouble to its recovery, read as one story:
/// "backend down → breaker open → back up". Built from the event history, never kept elsewhere.
/// </summary>
public sealed record Incident(string Subject, string? Service, string? Backend, List<FlowEvent> Events)
{
    public DateTimeOffset Started => Events[0].Time;

    /// <summary>Null while it goes on.</summary>
    public DateTimeOffset? Ended { get; private set; }

    public TimeSpan Duration => (Ended ?? DateTimeOffset.UtcNow) - Started;

    /// <summary>Groups events (oldest first) into incidents (newest first); events that are no trouble and in no incident are left out.</summary>
    public static List<Incident> From(IEnumerable<FlowEvent> oldestFirst)
    {
        var open = new Dictionary<(string?, string?), Incident>();
        var all = new List<Incident>();
        foreach (var e in oldestFirst)
        {
            var key = (e.Service, e.Backend);
            if (open.TryGetValue(key, out var incident))
            {
                incident.Events.Add(e);
                if (Recovers(e))
                {
                    incident.Ended = e.Time;
                    open.Remove(key);
                }
            }
            else if (e.Severity >= EventSeverity.Warning && e.Service is not null)
            {
                incident = new Incident(e.Backend is null ? $"service {e.Service}" : $"{e.Service}/{e.Backend}", e.Service, e.Backend, [e]);
                open[key] = incident;
                all.Add(incident);
            }
        }
        all.Reverse();
        return all;
    }

    /// <summary>The event that ends trouble: back up, the breaker closed, the service routable again, panic over.</summary>
    private static bool Recovers(FlowEvent e) => e switch
    {
        BackendHealthChanged health => health.Up,
        BreakerChanged breaker => breaker.State == BreakerChanged.Closed,
        ServiceAvailabilityChanged availability => !availability.AllDown,
        PanicChanged panic => !panic.Entered,
        _ => false,
    };
}

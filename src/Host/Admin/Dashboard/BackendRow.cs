using FlowBalance.Actors.State;
using FlowBalance.Host.Observability;

namespace FlowBalance.Host.Admin.Dashboard;

/// <summary>One backend as the overview shows it: the status API's fields, read from the same snapshots.</summary>
public sealed record BackendRow(
    string Service, string Id, string Url, string Pool, int Weight, int ConfigWeight, string State, string Health, string Breaker,
    string? HealthPath, double Score, long InFlight, double Rps, double ErrorRate, double? P50Ms, double? P99Ms,
    string? LastError, DateTimeOffset? LastChange, AdminOverride Override, string? Drain)
{
    /// <summary>up, down (unhealthy or its breaker open), unknown (not probed yet), draining or disabled.</summary>
    public string Status => State is "draining" or "disabled" ? State : Health == "unhealthy" || Breaker == "open" ? "down" : Health == "healthy" ? "up" : "unknown";

    public static IEnumerable<BackendRow> Of(ServiceSlot service) => StatusJson.Scores(service).Select(s => From(service.Definition.Name, s.Backend, s.Pool, s.Score));

    private static BackendRow From(string service, BackendSlot slot, string pool, double score)
    {
        var snapshot = slot.Current;
        var recent = snapshot.Recent;
        var admin = slot.Admin;
        string? drain = null;
        if (admin.State == AdminState.Draining && admin.DrainDeadline is { } deadline)
        {
            drain = $"draining: {slot.Counters.InFlight} in flight, {Math.Max(0, (deadline - DateTimeOffset.UtcNow).TotalSeconds):0}s left";
        }
        return new BackendRow(service, slot.Definition.Id, slot.Definition.Url.ToString(), pool, slot.Weight, slot.Definition.Weight,
            StateNames.Of(slot), StateNames.Of(snapshot.Health), StateNames.Of(snapshot.Breaker), snapshot.HealthPath, score,
            slot.Counters.InFlight, recent.Rps, recent.ErrorRate, recent.P50Ms, recent.P99Ms, snapshot.LastError, snapshot.ChangedAt, admin.Override, drain);
    }
}

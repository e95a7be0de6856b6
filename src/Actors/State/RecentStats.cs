namespace FlowBalance.Actors.State;

/// <summary>A backend's last minute: requests per second, error rate (0–1), p50 and p99 latency in ms (null without answers).</summary>
public sealed record RecentStats(double Rps, double ErrorRate, double? P50Ms, double? P99Ms)
{
    public static readonly RecentStats None = new(0, 0, null, null);
}

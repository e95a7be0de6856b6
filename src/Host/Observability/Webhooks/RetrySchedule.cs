namespace FlowBalance.Host.Observability.Webhooks;

/// <summary>
/// When a failed delivery is tried again: about 1 s, 5 s, 30 s, 2 min, 10 min, then hourly for a
/// day, each ±20% (jitter, so many balancers do not retry in step); a receiver's Retry-After wins
/// when it asks for longer.
/// </summary>
public static class RetrySchedule
{
    private static readonly TimeSpan[] First = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    /// <summary>Attempts in all: the first, five quick retries, then 24 hourly ones.</summary>
    public const int MaxAttempts = 1 + 5 + 24;

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1-based), or null when it was the last.</summary>
    public static TimeSpan? After(int attempt, TimeSpan? retryAfter, Random random)
    {
        if (attempt >= MaxAttempts) return null;
        var planned = attempt <= First.Length ? First[attempt - 1] : TimeSpan.FromHours(1);
        var jittered = planned * (0.8 + 0.4 * random.NextDouble());
        return retryAfter is { } asked && asked > jittered ? asked : jittered;
    }
}

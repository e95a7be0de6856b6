namespace FlowBalance.Actors.Configuration;

/// <summary>
/// <c>rate_limit { requests_per_second, burst, key }</c>: a token bucket per client of a service, holding
/// <see cref="Burst"/> tokens and refilled at <see cref="RequestsPerSecond"/>. Per node: N balancers let
/// up to N times the rate through.
/// </summary>
public sealed record RateLimitOptions(double RequestsPerSecond, int Burst, string Key, string? Header)
{
    public const string ByIp = "ip";
    public const string ByHeader = "header";
    public const string ByService = "service";

    public const double MaxRequestsPerSecond = 1_000_000_000;

    /// <summary>The key as written: <c>ip</c>, <c>service</c> or <c>header:Name</c>.</summary>
    public string KeyText => Header is null ? Key : $"{Key}:{Header}";

    /// <summary>
    /// Whole tokens added per refill period, chosen so that the period is at least about 10 ms (a
    /// TimeSpan counts 100 ns ticks: a period of a few ticks would round the rate away).
    /// </summary>
    public int TokensPerPeriod => (int)Math.Min(int.MaxValue, Math.Max(1, Math.Ceiling(RequestsPerSecond / 100)));

    /// <summary>The time one refill period of <see cref="TokensPerPeriod"/> tokens takes at the configured rate.</summary>
    public TimeSpan ReplenishmentPeriod => TimeSpan.FromTicks(Math.Max(1, (long)Math.Round(TokensPerPeriod * TimeSpan.TicksPerSecond / RequestsPerSecond)));
}

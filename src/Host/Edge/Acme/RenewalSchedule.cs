namespace FlowBalance.Host.Edge.Acme;

/// <summary>
/// When to renew and when to retry; pure, so it is tested without a clock. A certificate is renewed
/// <see cref="RenewBefore"/> before it expires (at most a third of its lifetime, so short-lived
/// certificates are not renewed in a loop), minus up to <see cref="MaxJitter"/> so many balancers do
/// not renew in step. A failure is retried after <see cref="FirstRetry"/>, doubling up to
/// <see cref="MaxRetry"/>, or later if the server's Retry-After asks for it.
/// </summary>
public sealed record RenewalSchedule
{
    public static RenewalSchedule Default { get; } = new();

    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromDays(30);

    public TimeSpan MaxJitter { get; init; } = TimeSpan.FromHours(4);

    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The longest single wait: Task.Delay cannot wait 5 years, and a clock jump (suspend, NTP) is noticed within it.</summary>
    public TimeSpan MaxSleep { get; init; } = TimeSpan.FromHours(12);

    /// <summary>When to renew a certificate valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public DateTimeOffset RenewAt(DateTimeOffset notBefore, DateTimeOffset notAfter, Random random)
    {
        var lifetime = notAfter - notBefore;
        var window = lifetime > TimeSpan.Zero && lifetime / 3 < RenewBefore ? lifetime / 3 : RenewBefore;
        var jitter = (window / 2 < MaxJitter ? window / 2 : MaxJitter) * random.NextDouble();
        return notAfter - window - jitter;
    }

    /// <summary>The wait after failure number <paramref name="failures"/> (1-based) in a row; a longer Retry-After wins.</summary>
    public TimeSpan RetryDelay(int failures, TimeSpan? retryAfter)
    {
        var backoff = FirstRetry;
        for (var i = 1; i < failures && backoff < MaxRetry; i++) backoff *= 2;
        if (backoff > MaxRetry) backoff = MaxRetry;
        return retryAfter is { } asked && asked > backoff ? asked : backoff;
    }

    /// <summary>How long to sleep now for a next attempt due at <paramref name="due"/>: never negative, never more than <see cref="MaxSleep"/>.</summary>
    public TimeSpan SleepUntil(DateTimeOffset due, DateTimeOffset now)
    {
        var left = due - now;
        return left <= TimeSpan.Zero ? TimeSpan.Zero : left < MaxSleep ? left : MaxSleep;
    }
}

namespace FlowBalance.Actors.State;

/// <summary>
/// Bounds retries per service so they never amplify an outage (after Finagle's and Envoy's
/// budgets). A retry is allowed while fewer than 20% of the service's in-flight requests (at
/// least <see cref="MinConcurrentRetries"/>) are retries, or when the service has saved up a
/// retry: every request earns a fifth of one, at most <see cref="MaxSavedRetries"/> are kept.
/// So over time retries stay under 20% of requests, yet the burst of failures when a busy
/// backend dies (every in-flight request at once) can still fail over.
/// </summary>
public sealed class RetryBudget
{
    public const int MinConcurrentRetries = 3;
    public const int MaxSavedRetries = 100;
    private const int RetryPercent = 20;
    private const int RequestsPerRetry = 100 / RetryPercent;

    private long _inFlight;
    private long _retries;
    private long _earned; // in requests; RequestsPerRetry of them buy one retry

    public void RequestStarted()
    {
        Interlocked.Increment(ref _inFlight);
        if (Volatile.Read(ref _earned) < MaxSavedRetries * RequestsPerRetry) Interlocked.Increment(ref _earned);
    }

    public void RequestEnded() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Takes one retry from the budget; the caller must call <see cref="RetryEnded"/> when it is done.</summary>
    public bool TryStartRetry()
    {
        var limit = Math.Max(MinConcurrentRetries, Volatile.Read(ref _inFlight) * RetryPercent / 100);
        if (Interlocked.Increment(ref _retries) <= limit) return true;
        for (var earned = Volatile.Read(ref _earned); earned >= RequestsPerRetry; earned = Volatile.Read(ref _earned))
        {
            if (Interlocked.CompareExchange(ref _earned, earned - RequestsPerRetry, earned) == earned) return true;
        }
        Interlocked.Decrement(ref _retries);
        return false;
    }

    public void RetryEnded() => Interlocked.Decrement(ref _retries);
}

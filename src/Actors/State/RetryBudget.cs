namespace FlowBalance.Actors.State;

/// <summary>
/// Bounds retries per service so they never amplify an outage: at most 20% of the service's
/// in-flight requests may be retries at once, but always at least <see cref="MinConcurrentRetries"/>.
/// </summary>
public sealed class RetryBudget
{
    public const int MinConcurrentRetries = 3;
    private const int RetryPercent = 20;

    private long _inFlight;
    private long _retries;

    public long InFlight => Volatile.Read(ref _inFlight);

    public void RequestStarted() => Interlocked.Increment(ref _inFlight);

    public void RequestEnded() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Takes one retry from the budget; the caller must call <see cref="RetryEnded"/> when it is done.</summary>
    public bool TryStartRetry()
    {
        var limit = Math.Max(MinConcurrentRetries, Volatile.Read(ref _inFlight) * RetryPercent / 100);
        if (Interlocked.Increment(ref _retries) <= limit) return true;
        Interlocked.Decrement(ref _retries);
        return false;
    }

    public void RetryEnded() => Interlocked.Decrement(ref _retries);
}
